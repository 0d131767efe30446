package fetch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import mirage.core.Console;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Unikernel;
import mirage.net.Ipv4Address;
import mirage.net.NetException;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.MonotonicClock;

/**
 * GETs one resource over HTTP/1.1 with {@code Connection: close}, reads the response to the
 * end of the stream, and prints its status, body length, the body's SHA-256 and the rate.
 * Exits with status 1 (by throwing) if the server cannot be reached or answers no HTTP.
 */
public final class Fetch implements Unikernel {
    /** How long connecting may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    public void start(Console console, Stack stack, MonotonicClock clock, String server, int port, String path)
            throws NetException, FlowException, NoSuchAlgorithmException {
        Ipv4Address address = Ipv4Address.parse(server);
        long t0 = clock.elapsedNanos();
        Result r;
        try (Tcp.Connection c = stack.tcp().connect(address, port, CONNECT_TIMEOUT)) {
            r = get(c, server, path);
        }
        long nanos = Math.max(1, clock.elapsedNanos() - t0);
        console.println("fetch: " + r.status() + ", " + r.length() + " bytes, sha256 " + r.sha256() + ", "
                + nanos / 1_000_000 + " ms, " + (r.length() * 1000 / nanos) + " MB/s");
    }

    /** What came back. */
    public record Result(String status, long length, String sha256) {}

    /** Sends the request on {@code c} and reads the response to its end. */
    public static Result get(Flow c, String host, String path) throws FlowException, NoSuchAlgorithmException {
        c.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                + "User-Agent: mirage-java fetch\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
        c.shutdown(Flow.Direction.WRITE);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        StringBuilder head = new StringBuilder();
        boolean inBody = false;
        long length = 0;
        while (c.read(buf.clear()) != Flow.EOF) {
            buf.flip();
            if (!inBody) {
                while (buf.hasRemaining() && !inBody) {
                    head.append((char) (buf.get() & 0xff));
                    inBody = head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n");
                    if (head.length() > 16 * 1024) {
                        throw new FlowException(FlowException.Reason.PROTOCOL, "no end of the response head in 16 KiB");
                    }
                }
            }
            length += buf.remaining();
            sha.update(buf);
        }
        if (!inBody) {
            throw new FlowException(FlowException.Reason.PROTOCOL, "the server closed before a whole response head");
        }
        String status = head.substring(0, Math.max(0, head.indexOf("\r\n")));
        return new Result(status, length, HexFormat.of().formatHex(sha.digest()));
    }
}
