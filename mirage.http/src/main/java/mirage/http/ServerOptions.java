package mirage.http;

import java.time.InstantSource;
import java.util.Objects;

/**
 * A server's limits and name.
 *
 * @param maxHeadBytes the longest request head (request line and fields): longer gets 431 and
 *     the connection is closed; at least 64
 * @param maxBodyBytes the longest request body: a longer Content-Length gets 413 before the
 *     body is read; a longer chunked body fails the handler's read and gets 413; the
 *     connection is then closed
 * @param timeouts how long the server waits for the client
 * @param serverName the {@code Server} field's value, or empty for none
 * @param clock null, or the clock that makes {@link Timeouts#head()} a bound on a whole request
 *     head from its first byte (then 408), so that a client trickling a byte at a time
 *     (slowloris) is dropped in that time; without one the head timeout bounds each wait for
 *     bytes only, and such a client is bounded by {@code maxHeadBytes} reads of that wait
 */
public record ServerOptions(int maxHeadBytes, long maxBodyBytes, Timeouts timeouts, String serverName,
        InstantSource clock) {
    /** 8 KiB heads, 1 MiB bodies, {@link Timeouts#DEFAULT}, {@code Server: mirage-java}, no clock. */
    public static final ServerOptions DEFAULT = new ServerOptions(8192, 1 << 20, Timeouts.DEFAULT, "mirage-java", null);

    /** Without a clock. */
    public ServerOptions(int maxHeadBytes, long maxBodyBytes, Timeouts timeouts, String serverName) {
        this(maxHeadBytes, maxBodyBytes, timeouts, serverName, null);
    }

    public ServerOptions {
        if (maxHeadBytes < 64) {
            throw new IllegalArgumentException("a request head limit of at least 64 bytes, not " + maxHeadBytes);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("a body limit is not negative: " + maxBodyBytes);
        }
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(serverName, "serverName");
        if (!serverName.isEmpty()) {
            new Headers.Field("Server", serverName); // checks the value
        }
    }

    public ServerOptions withMaxHeadBytes(int maxHeadBytes) {
        return new ServerOptions(maxHeadBytes, maxBodyBytes, timeouts, serverName, clock);
    }

    public ServerOptions withMaxBodyBytes(long maxBodyBytes) {
        return new ServerOptions(maxHeadBytes, maxBodyBytes, timeouts, serverName, clock);
    }

    public ServerOptions withTimeouts(Timeouts timeouts) {
        return new ServerOptions(maxHeadBytes, maxBodyBytes, timeouts, serverName, clock);
    }

    public ServerOptions withServerName(String serverName) {
        return new ServerOptions(maxHeadBytes, maxBodyBytes, timeouts, serverName, clock);
    }

    /** With {@code clock} bounding each request head's whole time by {@link Timeouts#head()}. */
    public ServerOptions withClock(InstantSource clock) {
        return new ServerOptions(maxHeadBytes, maxBodyBytes, timeouts, serverName, Objects.requireNonNull(clock, "clock"));
    }
}
