package mirage.http.internal.wire;

import java.nio.charset.StandardCharsets;
import mirage.http.Headers;

/** Writes message heads (RFC 9112 sections 3, 4, 5) as ASCII bytes. */
public final class Heads {
    private Heads() {}

    /** The interim response that lets a client send its body (RFC 9110 section 15.2.1). */
    public static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * A response head: status line, {@code Server} (unless empty), {@code fields}, then the
     * framing ({@code Content-Length: length}; {@code Transfer-Encoding: chunked} when
     * {@code length} is -1; none when -2) and {@code Connection: close} unless {@code persistent}.
     */
    public static byte[] response(int status, String reason, String server, Headers fields, long length, boolean persistent) {
        StringBuilder b = new StringBuilder(128);
        b.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        if (!server.isEmpty()) {
            b.append("Server: ").append(server).append("\r\n");
        }
        append(b, fields);
        if (length >= 0) {
            b.append("Content-Length: ").append(length).append("\r\n");
        } else if (length == -1) {
            b.append("Transfer-Encoding: chunked\r\n");
        }
        if (!persistent) {
            b.append("Connection: close\r\n");
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A request head: request line, {@code fields}, then the framing ({@code Content-Length:
     * length} when {@code length} is 0 or more, {@code Transfer-Encoding: chunked} when -1,
     * nothing when -2) and {@code Expect: 100-continue} if asked.
     */
    public static byte[] request(String method, String target, Headers fields, long length, boolean expectContinue) {
        StringBuilder b = new StringBuilder(128);
        b.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        append(b, fields);
        if (length >= 0) {
            b.append("Content-Length: ").append(length).append("\r\n");
        } else if (length == -1) {
            b.append("Transfer-Encoding: chunked\r\n");
        }
        if (expectContinue) {
            b.append("Expect: 100-continue\r\n");
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void append(StringBuilder b, Headers fields) {
        for (Headers.Field f : fields.fields()) {
            b.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
    }

    /** The line that starts a chunk of {@code size} bytes: hex size and CRLF. */
    public static byte[] chunkStart(long size) {
        return (Long.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The line end after a chunk's data. */
    public static final byte[] CRLF = {'\r', '\n'};

    /** The last chunk and an empty trailer. */
    public static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
}
