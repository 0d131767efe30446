package mirage.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a server waits for a client, each as the longest wait for the next bytes
 * ({@code Flow.readTimeout}); {@link Duration#ZERO} waits as long as it takes. The server
 * applies them only on a flow that can time its reads ({@code Flow.readTimeout} returns
 * {@code true}: both TCP stacks' connections do); on others (a TLS flow) it waits as the flow
 * does, and the TCP connection's idle timeout or keepalive is what ends a dead client.
 *
 * @param idle between requests on a persistent connection: then the connection is closed
 *     without an answer (RFC 9112 section 9.5)
 * @param head for the rest of a request head that has begun: then 408 and close; with a
 *     {@link ServerOptions#clock()}, for the whole head from its first byte
 * @param body for the next bytes of a request body: the handler's read fails with
 *     {@code TIMEOUT}, and 408 and close if it started no response
 * @param linger during a lingering close, for what the client still sends before it closes
 */
public record Timeouts(Duration idle, Duration head, Duration body, Duration linger) {
    /** No bound: wait as long as the flow does. */
    public static final Timeouts NONE = new Timeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    /** 60 s idle, 30 s within a head or a body, 2 s lingering (nginx's keepalive and client timeouts are 75 s and 60 s; its lingering_timeout 5 s). */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofSeconds(2));

    public Timeouts {
        for (Duration d : new Duration[] {idle, head, body, linger}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative()) {
                throw new IllegalArgumentException("a timeout is not negative: " + d);
            }
        }
    }
}
