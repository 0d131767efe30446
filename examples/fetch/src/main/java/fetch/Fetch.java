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
 * One HTTP/1.1 exchange, as curl makes it: {@code GET} of a path, or with {@code --put=N} a
 * {@code PUT} of N bytes (byte i being i mod 251), with {@code Connection: close}; the response
 * is read as its head delimits it (Content-Length, chunked, or to the close, RFC 9112 section
 * 6.3), and its status, body length, the body's SHA-256 and the rate are printed.
 *
 * <p>The request does not half-close the connection: a server may take a FIN as the client
 * leaving and end its response (nginx does). A response cut short (the connection ends before
 * Content-Length bytes or before the last chunk), a malformed head or chunked coding, or a
 * server that cannot be reached make the unikernel fail (by throwing: a non-zero exit), never
 * print a result.
 */
public final class Fetch implements Unikernel {
    /** How long connecting may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** The uploaded body's period: byte i is i mod 251, as examples/echo's /bytes/N. */
    static final int PERIOD = 251;

    public void start(Console console, Stack stack, MonotonicClock clock, String server, int port, String path, long put)
            throws NetException, FlowException, NoSuchAlgorithmException {
        if (put < 0) {
            throw new IllegalArgumentException("--put is a number of bytes, not " + put);
        }
        Ipv4Address address = Ipv4Address.parse(server);
        long t0 = clock.elapsedNanos();
        Result r;
        try (Tcp.Connection c = stack.tcp().connect(address, port, CONNECT_TIMEOUT)) {
            r = put > 0 ? exchange(c, server, "PUT", path, put) : get(c, server, path);
        }
        long nanos = Math.max(1, clock.elapsedNanos() - t0);
        long moved = r.length() + put;
        console.println("fetch: " + r.status() + ", " + r.length() + " bytes, sha256 " + r.sha256() + ", "
                + nanos / 1_000_000 + " ms, " + (moved * 1000 / nanos) + " MB/s");
    }

    /** What came back: the status line, the body's length and SHA-256 (hex). */
    public record Result(String status, long length, String sha256) {}

    /** {@code GET path} on {@code c}, the response read to its end. */
    public static Result get(Flow c, String host, String path) throws FlowException, NoSuchAlgorithmException {
        return exchange(c, host, "GET", path, 0);
    }

    /**
     * Sends {@code method path} with a body of {@code upload} pattern bytes (none if 0) on
     * {@code c} and reads the response to its end.
     *
     * @throws FlowException {@code PROTOCOL} if the response is malformed or cut short; the
     *     transport's own failures as they come
     */
    public static Result exchange(Flow c, String host, String method, String path, long upload)
            throws FlowException, NoSuchAlgorithmException {
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                + "User-Agent: mirage-java fetch\r\n" + (upload > 0 || method.equals("PUT") ? "Content-Length: " + upload + "\r\n" : "")
                + "\r\n";
        sendRequest(c, head.getBytes(StandardCharsets.US_ASCII), upload);
        return readResponse(c, method.equals("HEAD"));
    }

    /** The head and body written corked: they leave in as few segments as they fill. */
    private static void sendRequest(Flow c, byte[] head, long upload) throws FlowException {
        byte[] pattern = new byte[PERIOD * 256];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i % PERIOD);
        }
        c.cork();
        c.write(ByteBuffer.wrap(head));
        ByteBuffer chunk = ByteBuffer.wrap(pattern);
        for (long left = upload; left > 0; ) {
            int n = (int) Math.min(left, pattern.length);
            c.write(chunk.clear().limit(n));
            left -= n;
        }
        c.uncork();
    }

    /** Reads one response (skipping interim 1xx ones) and its body as its head delimits it. */
    static Result readResponse(Flow c, boolean toHead) throws FlowException, NoSuchAlgorithmException {
        byte[] buf = new byte[64 * 1024];
        ByteBuffer in = ByteBuffer.wrap(buf);
        int have = 0;
        while (true) {
            ResponseHead.Parsed p = ResponseHead.parse(buf, have, toHead);
            switch (p) {
                case ResponseHead.Parsed.Bad b -> throw new FlowException(FlowException.Reason.PROTOCOL, b.reason());
                case ResponseHead.Parsed.More m -> {
                    int n = c.read(in.limit(buf.length).position(have));
                    if (n == Flow.EOF) {
                        throw new FlowException(FlowException.Reason.PROTOCOL,
                                "the server closed the connection before a whole response head (" + have + " bytes)");
                    }
                    have += n;
                }
                case ResponseHead.Parsed.Head h -> {
                    if (h.head().status() < 200) {
                        // 1xx: an interim response; the final one follows
                        System.arraycopy(buf, h.length(), buf, 0, have - h.length());
                        have -= h.length();
                        continue;
                    }
                    return body(c, h.head(), in.limit(have).position(h.length()));
                }
            }
        }
    }

    /** Reads the body after {@code head}, starting with what {@code already} holds. */
    private static Result body(Flow c, ResponseHead head, ByteBuffer already) throws FlowException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long length = 0;
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        switch (head.framing()) {
            case NONE -> { }
            case LENGTH, CLOSE -> {
                boolean bounded = head.framing() == ResponseHead.Framing.LENGTH;
                long want = bounded ? head.contentLength() : Long.MAX_VALUE;
                ByteBuffer b = already;
                while (length < want) {
                    int n = (int) Math.min(b.remaining(), want - length);
                    sha.update(b.slice(b.position(), n));
                    length += n;
                    if (length == want) {
                        break;
                    }
                    if (c.read(buf.clear()) == Flow.EOF) {
                        if (bounded) {
                            throw new FlowException(FlowException.Reason.PROTOCOL, "the response was cut short: "
                                    + length + " of its Content-Length " + want + " bytes came before the connection ended");
                        }
                        break;
                    }
                    b = buf.flip();
                }
            }
            case CHUNKED -> {
                ChunkedDecoder decoder = new ChunkedDecoder();
                long[] total = {0};
                ChunkedDecoder.Sink sink = data -> {
                    total[0] += data.remaining();
                    sha.update(data);
                };
                try {
                    decoder.feed(already, sink);
                    while (!decoder.done()) {
                        if (c.read(buf.clear()) == Flow.EOF) {
                            throw new FlowException(FlowException.Reason.PROTOCOL, "the response was cut short: the connection "
                                    + "ended after " + total[0] + " bytes of a chunked body, before its last chunk");
                        }
                        decoder.feed(buf.flip(), sink);
                    }
                } catch (ChunkedDecoder.MalformedException e) {
                    throw new FlowException(FlowException.Reason.PROTOCOL, "malformed chunked body: " + e.getMessage(), e);
                }
                length = total[0];
            }
        }
        return new Result(head.statusLine(), length, HexFormat.of().formatHex(sha.digest()));
    }
}
