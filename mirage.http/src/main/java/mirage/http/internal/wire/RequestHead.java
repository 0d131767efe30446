package mirage.http.internal.wire;

import java.util.ArrayList;
import java.util.List;
import mirage.http.Headers;

/**
 * A parsed request head (RFC 9112 sections 3-6) with what the server needs to frame the body and
 * decide the connection's fate.
 *
 * @param method the method token
 * @param target the request target (visible ASCII)
 * @param minorVersion 0 or 1
 * @param headers the fields, in order
 * @param persistent whether the client keeps the connection open after this exchange (HTTP/1.1
 *     unless {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive})
 * @param framing {@link Framing#NONE}, {@link Framing#LENGTH} or {@link Framing#CHUNKED}
 * @param contentLength the body's length for {@link Framing#LENGTH}, else 0
 * @param expectContinue whether the client waits for {@code 100 Continue} before its body
 */
public record RequestHead(String method, String target, int minorVersion, Headers headers, boolean persistent,
        Framing framing, long contentLength, boolean expectContinue) {
    /** The most header fields a request head may have (Apache's LimitRequestFields default); more get 431. */
    public static final int MAX_FIELDS = 100;


    /** What {@link #parse} found in the bytes so far. */
    public sealed interface Parsed {
        /** A whole head, {@code length} bytes from where parsing began. */
        record Head(RequestHead head, int length) implements Parsed {}

        /** Not a whole head yet: read more. */
        record More() implements Parsed {}

        /** A request that cannot be served: answer {@code status} and close. */
        record Bad(int status, String reason, String detail) implements Parsed {}
    }

    private static final Parsed.More MORE = new Parsed.More();

    private static Parsed.Bad bad(String detail) {
        return new Parsed.Bad(400, "Bad Request", detail);
    }

    /**
     * Parses the request head in {@code buf[from, to)}, which may be incomplete. Never throws for
     * any bytes. Empty lines before the request line are skipped (RFC 9112 section 2.2).
     *
     * @param maxHead the longest head accepted (counting the empty lines before it): beyond it, 431
     */
    public static Parsed parse(byte[] buf, int from, int to, int maxHead) {
        int i = from;
        while (i < to && (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 == to || buf[i + 1] == '\n')))) {
            if (buf[i] == '\r' && i + 1 == to) {
                return MORE; // a CR whose LF is still to come
            }
            i = buf[i] == '\n' ? i + 1 : i + 2;
            if (i - from > maxHead) {
                return new Parsed.Bad(431, "Request Header Fields Too Large", "more than " + maxHead + " bytes of empty lines");
            }
        }
        int end = Scan.headEnd(buf, i, (int) Math.min(to, (long) from + maxHead + 4));
        if (end < 0) {
            return to - from >= maxHead
                    ? new Parsed.Bad(431, "Request Header Fields Too Large", "no end of the request head in " + maxHead + " bytes")
                    : MORE;
        }
        if (end - from > maxHead) {
            return new Parsed.Bad(431, "Request Header Fields Too Large", "a request head over " + maxHead + " bytes");
        }
        // request-line = method SP request-target SP HTTP-version
        int le = Scan.lineEnd(buf, i, end);
        int sp1 = i;
        while (sp1 < le && Scan.tokenChar(buf[sp1])) {
            sp1++;
        }
        if (sp1 == i || sp1 >= le || buf[sp1] != ' ') {
            return bad("malformed method");
        }
        int sp2 = sp1 + 1;
        while (sp2 < le && buf[sp2] > ' ' && buf[sp2] < 0x7f) {
            sp2++;
        }
        if (sp2 == sp1 + 1 || sp2 >= le || buf[sp2] != ' ') {
            return bad("malformed request target");
        }
        int v = sp2 + 1;
        if (le - v != 8 || buf[v] != 'H' || buf[v + 1] != 'T' || buf[v + 2] != 'T' || buf[v + 3] != 'P'
                || buf[v + 4] != '/' || !Scan.digit(buf[v + 5]) || buf[v + 6] != '.' || !Scan.digit(buf[v + 7])) {
            return bad("malformed HTTP version");
        }
        if (buf[v + 5] != '1') {
            return new Parsed.Bad(505, "HTTP Version Not Supported", "HTTP/" + (char) buf[v + 5] + "." + (char) buf[v + 7]);
        }
        int minor = buf[v + 7] == '0' ? 0 : 1; // HTTP/1.x for x > 1 is answered as 1.1 (RFC 9110 section 2.5)
        List<Headers.Field> fields = new ArrayList<>(8);
        String wrong = Scan.fields(buf, Scan.nextLine(buf, le), end, fields);
        if (wrong != null) {
            return bad(wrong);
        }
        if (fields.size() > MAX_FIELDS) {
            // Apache's LimitRequestFields: each field is an object and a map entry to the server
            return new Parsed.Bad(431, "Request Header Fields Too Large", fields.size() + " header fields, over " + MAX_FIELDS);
        }
        Headers headers = new Headers(fields);
        String method = Scan.latin1(buf, i, sp1);
        String target = Scan.latin1(buf, sp1 + 1, sp2);
        return semantics(method, target, minor, headers, end - from);
    }

    private static Parsed semantics(String method, String target, int minor, Headers headers, int length) {
        int hosts = 0;
        boolean close = false;
        boolean keepAlive = false;
        long contentLength = -1;
        boolean lengthSeen = false;
        List<String> te = new ArrayList<>(1);
        boolean expectContinue = false;
        for (Headers.Field f : headers.fields()) {
            String n = f.name();
            if (n.equalsIgnoreCase("host")) {
                hosts++;
            } else if (n.equalsIgnoreCase("connection")) {
                for (String o : f.value().split(",")) {
                    String s = o.strip();
                    close |= s.equalsIgnoreCase("close");
                    keepAlive |= s.equalsIgnoreCase("keep-alive");
                }
            } else if (n.equalsIgnoreCase("content-length")) {
                long cl = Scan.contentLength(f.value());
                if (cl < 0 || (lengthSeen && cl != contentLength)) {
                    return bad("malformed or conflicting Content-Length"); // RFC 9112 section 6.3
                }
                contentLength = cl;
                lengthSeen = true;
            } else if (n.equalsIgnoreCase("transfer-encoding")) {
                te.add(f.value());
            } else if (n.equalsIgnoreCase("expect")) {
                if (!f.value().equalsIgnoreCase("100-continue")) {
                    return new Parsed.Bad(417, "Expectation Failed", "unknown expectation"); // RFC 9110 section 10.1.1
                }
                expectContinue = minor == 1; // an HTTP/1.0 client waits for nothing
            }
        }
        if (hosts > 1 || (minor == 1 && hosts == 0)) {
            return bad(hosts == 0 ? "no Host" : "more than one Host"); // RFC 9112 section 3.2
        }
        Framing framing;
        if (!te.isEmpty()) {
            // RFC 9112 section 6.1: only chunked, which must be the final coding
            if (minor == 0 || lengthSeen) {
                return bad("Transfer-Encoding with HTTP/1.0 or with Content-Length");
            }
            List<String> codings = Scan.codings(te);
            if (!codings.equals(List.of("chunked"))) {
                return codings.isEmpty() || !codings.getLast().equals("chunked") || codings.indexOf("chunked") != codings.size() - 1
                        ? bad("chunked is not the final transfer coding")
                        : new Parsed.Bad(501, "Not Implemented", "a transfer coding other than chunked");
            }
            framing = Framing.CHUNKED;
            contentLength = 0;
        } else if (contentLength > 0) {
            framing = Framing.LENGTH;
        } else {
            framing = Framing.NONE;
            contentLength = 0;
        }
        boolean persistent = !close && (minor == 1 || keepAlive);
        return new Parsed.Head(new RequestHead(method, target, minor, headers, persistent, framing, contentLength,
                expectContinue && framing != Framing.NONE), length);
    }
}
