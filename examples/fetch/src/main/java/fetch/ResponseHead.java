package fetch;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The head of an HTTP/1.1 response (RFC 9112 sections 4-6) as a client needs it: the status and
 * how the body is framed. Parsed from the bytes as received, with a bound of {@value #MAX}
 * bytes.
 *
 * @param statusLine the status line without its line end, e.g. {@code HTTP/1.1 200 OK}
 * @param status the status code, 100-599
 * @param framing how the body that follows is delimited
 * @param contentLength the body's length for {@link Framing#LENGTH}, else -1
 */
public record ResponseHead(String statusLine, int status, Framing framing, long contentLength) {
    /** The longest response head accepted. */
    public static final int MAX = 16 * 1024;

    /** How a response body is delimited (RFC 9112 section 6.3). */
    public enum Framing {
        /** No body: a response to HEAD, or status 1xx, 204 or 304. */
        NONE,
        /** Exactly {@code Content-Length} bytes. */
        LENGTH,
        /** The chunked transfer coding: the body ends with its last (zero-size) chunk. */
        CHUNKED,
        /** The body ends when the server closes the connection. */
        CLOSE
    }

    /** What {@link #parse} found in the bytes so far. */
    public sealed interface Parsed {
        /** A whole head of {@code length} bytes. */
        record Head(ResponseHead head, int length) implements Parsed {}

        /** Not a whole head yet: read more. */
        record More() implements Parsed {}

        /** Not an HTTP/1.x response head, or one whose body cannot be delimited. */
        record Bad(String reason) implements Parsed {}
    }

    /**
     * Parses the response head at the start of {@code buf[0, length)}, for a request whose method
     * was {@code HEAD} if {@code toHead}. Never throws for any bytes. Line ends are CRLF, or a
     * bare LF (RFC 9112 section 2.2 lets a recipient accept it).
     */
    public static Parsed parse(byte[] buf, int length, boolean toHead) {
        int end = headEnd(buf, Math.min(length, MAX + 4));
        if (end < 0) {
            return length >= MAX ? new Parsed.Bad("no end of the response head in " + MAX + " bytes") : new Parsed.More();
        }
        if (end > MAX) {
            return new Parsed.Bad("no end of the response head in " + MAX + " bytes");
        }
        String[] lines = new String(buf, 0, end, StandardCharsets.ISO_8859_1).split("\r?\n", -1);
        String statusLine = lines[0];
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || !digit(statusLine.charAt(7))
                || statusLine.charAt(8) != ' ' || !digit(statusLine.charAt(9)) || !digit(statusLine.charAt(10))
                || !digit(statusLine.charAt(11)) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            return new Parsed.Bad("not an HTTP/1.x status line: " + printable(statusLine));
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        if (status < 100 || status > 599) {
            return new Parsed.Bad("status code " + status + " out of range");
        }
        long contentLength = -1;
        boolean chunked = false;
        boolean transferCoded = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(colon - 1) == ' ' || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                return new Parsed.Bad("malformed header field: " + printable(line)); // also obsolete line folding
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("content-length")) {
                // a list of identical values is one value (RFC 9110 section 8.6)
                for (String v : value.split(",", -1)) {
                    v = v.strip();
                    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(ResponseHead::digit)) {
                        return new Parsed.Bad("malformed Content-Length: " + printable(value));
                    }
                    long n = Long.parseLong(v);
                    if (contentLength >= 0 && contentLength != n) {
                        return new Parsed.Bad("conflicting Content-Length values");
                    }
                    contentLength = n;
                }
            } else if (name.equals("transfer-encoding")) {
                transferCoded = true;
                String[] codings = value.split(",");
                chunked = codings[codings.length - 1].strip().equalsIgnoreCase("chunked");
            }
        }
        Framing framing;
        if (toHead || status < 200 || status == 204 || status == 304) {
            framing = Framing.NONE;
        } else if (transferCoded) {
            // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length; chunked last, or read to the close
            framing = chunked ? Framing.CHUNKED : Framing.CLOSE;
        } else if (contentLength >= 0) {
            framing = Framing.LENGTH;
        } else {
            framing = Framing.CLOSE;
        }
        return new Parsed.Head(new ResponseHead(statusLine, status, framing, framing == Framing.LENGTH ? contentLength : -1), end);
    }

    /** Index just after the blank line ending the head, or -1. */
    private static int headEnd(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
                if (i + 1 < n && b[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    /** {@code s} with control characters escaped and cut to 80 characters, for messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }
}
