package mirage.core;

/**
 * The unikernel's console: a line-oriented text sink (Solo5's console, Xen's PV console, a
 * process's standard output).
 *
 * <p>Thread-safe: lines written concurrently are never interleaved within a line. Writing
 * never throws; a console that cannot be written to drops the line.
 */
public interface Console {

    /** Writes one line of text followed by a newline, and flushes it. */
    void println(String line);
}
