package mirage.http.internal.wire;

import java.util.ArrayList;
import java.util.List;
import mirage.http.Headers;

/**
 * A parsed response head (RFC 9112 sections 4-6) as a client needs it: the status and how the
 * body is framed.
 *
 * @param statusLine the status line without its line end, e.g. {@code HTTP/1.1 200 OK}
 * @param status the status code, 100-599
 * @param headers the fields, in order
 * @param framing how the body that follows is delimited
 * @param contentLength the body's length for {@link Framing#LENGTH}, else -1
 */
public record ResponseHead(String statusLine, int status, Headers headers, Framing framing, long contentLength) {
    /** The longest response head accepted. */
    public static final int MAX = 16 * 1024;

    /** What {@link #parse} found in the bytes so far. */
    public sealed interface Parsed {
        /** A whole head of {@code length} bytes. */
        record Head(ResponseHead head, int length) implements Parsed {}

        /** Not a whole head yet: read more. */
        record More() implements Parsed {}

        /** Not an HTTP/1.x response head, or one whose body cannot be delimited. */
        record Bad(String reason) implements Parsed {}
    }

    private static final Parsed.More MORE = new Parsed.More();

    /**
     * Parses the response head in {@code buf[from, to)}, for a request whose method was
     * {@code HEAD} if {@code toHead}. Never throws for any bytes.
     */
    public static Parsed parse(byte[] buf, int from, int to, boolean toHead) {
        int end = Scan.headEnd(buf, from, (int) Math.min(to, (long) from + MAX + 4));
        if (end < 0) {
            return to - from >= MAX ? new Parsed.Bad("no end of the response head in " + MAX + " bytes") : MORE;
        }
        if (end - from > MAX) {
            return new Parsed.Bad("no end of the response head in " + MAX + " bytes");
        }
        int le = Scan.lineEnd(buf, from, end);
        String statusLine = Scan.latin1(buf, from, le);
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || !Scan.digit(statusLine.charAt(7))
                || statusLine.charAt(8) != ' ' || !Scan.digit(statusLine.charAt(9)) || !Scan.digit(statusLine.charAt(10))
                || !Scan.digit(statusLine.charAt(11)) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            return new Parsed.Bad("not an HTTP/1.x status line: " + Scan.printable(statusLine));
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        if (status < 100 || status > 599) {
            return new Parsed.Bad("status code " + status + " out of range");
        }
        List<Headers.Field> fields = new ArrayList<>(12);
        String wrong = Scan.fields(buf, Scan.nextLine(buf, le), end, fields);
        if (wrong != null) {
            return new Parsed.Bad(wrong);
        }
        Headers headers = new Headers(fields);
        long contentLength = -1;
        for (String v : headers.all("Content-Length")) {
            long n = Scan.contentLength(v);
            if (n < 0) {
                return new Parsed.Bad("malformed Content-Length: " + Scan.printable(v));
            }
            if (contentLength >= 0 && contentLength != n) {
                return new Parsed.Bad("conflicting Content-Length values");
            }
            contentLength = n;
        }
        List<String> te = headers.all("Transfer-Encoding");
        Framing framing;
        if (toHead || status < 200 || status == 204 || status == 304) {
            framing = Framing.NONE;
        } else if (!te.isEmpty()) {
            // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length; chunked last, or read to the close
            List<String> codings = Scan.codings(te);
            framing = !codings.isEmpty() && codings.getLast().equals("chunked") ? Framing.CHUNKED : Framing.CLOSE;
        } else if (contentLength >= 0) {
            framing = Framing.LENGTH;
        } else {
            framing = Framing.CLOSE;
        }
        return new Parsed.Head(new ResponseHead(statusLine, status, headers, framing,
                framing == Framing.LENGTH ? contentLength : -1), end - from);
    }
}
