package fetch;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mirage.core.Console;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Unikernel;
import mirage.http.ClientRequest;
import mirage.http.ClientResponse;
import mirage.http.Content;
import mirage.http.Headers;
import mirage.http.HttpClient;
import mirage.net.DirectStack;
import mirage.net.IpAddress;
import mirage.net.Ipv6;
import mirage.net.Ipv6Cidr;
import mirage.net.Ipv6Address;
import mirage.net.NetException;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.MonotonicClock;

/**
 * One HTTP/1.1 exchange, as curl makes it ({@code mirage.http}'s {@link HttpClient}): {@code GET}
 * of a path, or with {@code --put=N} a {@code PUT} of N bytes (byte i being i mod 251), with
 * {@code Connection: close}; the response's status, body length, the body's SHA-256 and the
 * rate are printed. The server is {@code --url=http://HOST[:PORT]/PATH} (HOST an IPv4 address or
 * an IPv6 one in brackets: {@link HttpUrl}), or else {@code --server}, {@code --port} and
 * {@code --path}; a malformed URL stops the unikernel with a one-line error. A response cut
 * short, a malformed one, or a server that cannot be reached make the unikernel fail (by
 * throwing: a non-zero exit), never print a result.
 */
public final class Fetch implements Unikernel {
    /** How long connecting may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** The uploaded body's period: byte i is i mod 251, as examples/echo's /bytes/N. */
    static final int PERIOD = 251;

    public void start(Console console, Stack stack, MonotonicClock clock, String server, int port, String path, long put,
            String url) throws NetException, FlowException, NoSuchAlgorithmException {
        if (put < 0) {
            throw new IllegalArgumentException("--put is a number of bytes, not " + put);
        }
        IpAddress address;
        String host;
        if (url.isEmpty()) {
            // an IPv6 literal with or without brackets (as in a URL); the Host header takes it in brackets (RFC 9110 section 7.2)
            String literal = server.startsWith("[") && server.endsWith("]") ? server.substring(1, server.length() - 1) : server;
            address = IpAddress.parse(literal);
            host = address instanceof Ipv6Address ? "[" + address + "]" : server;
        } else {
            HttpUrl u = HttpUrl.parse(url);
            address = u.address();
            port = u.port();
            path = u.target();
            host = u.hostHeader();
        }
        if (address instanceof Ipv6Address v6 && stack instanceof DirectStack direct) {
            awaitSource(direct.ipv6(), v6);
        }
        long t0 = clock.elapsedNanos();
        Result r;
        try (Tcp.Connection c = stack.tcp().connect(address, port, CONNECT_TIMEOUT)) {
            r = put > 0 ? exchange(c, host, "PUT", path, put) : get(c, host, path);
        }
        long nanos = Math.max(1, clock.elapsedNanos() - t0);
        long moved = r.length() + put;
        console.println("fetch: " + r.status() + ", " + r.length() + " bytes, sha256 " + r.sha256() + ", "
                + nanos / 1_000_000 + " ms, " + (moved * 1000 / nanos) + " MB/s");
    }

    /**
     * Waits, at most {@link #CONNECT_TIMEOUT}, until the direct stack holds an IPv6 address of
     * {@code destination}'s scope (link-local for a link-local destination, else a wider one):
     * addresses are usable only once Duplicate Address Detection has passed, a second or two after
     * boot (RFC 4862), and a connect before that has no source. If none comes, the connect that
     * follows fails with its own error.
     */
    static void awaitSource(Ipv6 ipv6, Ipv6Address destination) {
        SourceWait wait = new SourceWait(destination.isLinkLocal());
        ipv6.onAddressChange(wait);
        try {
            wait.ready.await(CONNECT_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class SourceWait implements Ipv6.AddressListener {
        final CountDownLatch ready = new CountDownLatch(1);
        private final boolean linkLocal;

        SourceWait(boolean linkLocal) {
            this.linkLocal = linkLocal;
        }

        @Override
        public void changed(List<Ipv6Cidr> addresses, Optional<Ipv6Address> router) {
            for (Ipv6Cidr a : addresses) {
                if (a.address().isLinkLocal() == linkLocal) {
                    ready.countDown();
                    return;
                }
            }
        }
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
        Headers headers = Headers.of("Host", host, "Connection", "close", "User-Agent", "mirage-java fetch");
        Content body = upload > 0 ? new Content.Sized(upload, sink -> writePattern(sink, upload)) : Content.empty();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ClientResponse r = HttpClient.exchange(c, new ClientRequest(method, path, headers, body, false), sha::update);
        return new Result(r.statusLine(), r.bodyLength(), HexFormat.of().formatHex(sha.digest()));
    }

    /** Writes the pattern for the length its sink takes, 251 * 256 bytes at a time. */
    private static void writePattern(mirage.http.BodySink sink, long length) throws FlowException {
        byte[] pattern = new byte[PERIOD * 256];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i % PERIOD);
        }
        ByteBuffer chunk = ByteBuffer.wrap(pattern);
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(left, pattern.length);
            sink.write(chunk.clear().limit(n));
            left -= n;
        }
    }
}
