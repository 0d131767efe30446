package mirage.net.internal.engine.ndp;

import java.util.Objects;
import mirage.core.Rng;

/**
 * Router Solicitations when an interface starts (RFC 4861 section 6.3.7) as a sans-IO engine:
 * after a random delay of up to MAX_RTR_SOLICITATION_DELAY, up to MAX_RTR_SOLICITATIONS
 * solicitations RTR_SOLICITATION_INTERVAL apart, stopping at the first valid Router Advertisement
 * (even one with a router lifetime of zero: it still answers). No backoff after the last one (RFC
 * 7559's continued retransmissions are optional; periodic unsolicited advertisements reach us
 * anyway).
 *
 * <p>The engine says when; the caller writes the Router Solicitation: to all-routers
 * ({@code ff02::2}), hop limit 255, from a link-local address that is not tentative (with its
 * Source Link-Layer Address option) or, while there is none, from {@code ::} without the option
 * (section 6.3.7; {@link Slaac#usableLinkLocal()} says which).
 *
 * <p>Not thread-safe: owned by the event loop.
 */
public final class RouterSolicitor {

    /** MAX_RTR_SOLICITATION_DELAY (RFC 4861 section 10): 1 s. */
    public static final long MAX_RTR_SOLICITATION_DELAY_NANOS = 1_000_000_000L;
    /** RTR_SOLICITATION_INTERVAL (RFC 4861 section 10): 4 s. */
    public static final long RTR_SOLICITATION_INTERVAL_NANOS = 4_000_000_000L;
    /** MAX_RTR_SOLICITATIONS (RFC 4861 section 10): 3 transmissions. */
    public static final int MAX_RTR_SOLICITATIONS = 3;

    /** Where the engine is. */
    public enum State {
        /** Not started. */
        IDLE,
        /** Waiting the random delay before the first solicitation. */
        DELAYING,
        /** Solicitations sent, waiting for an advertisement; another follows at the deadline if fewer than three went. */
        SOLICITING,
        /** An advertisement arrived. */
        DONE,
        /** Three solicitations went unanswered, the last MAX_RTR_SOLICITATION_DELAY ago: "no routers on the link" (the host still accepts unsolicited advertisements). */
        GAVE_UP
    }

    /** What the engine asks of the layer below. Called from inside the engine's methods. */
    public interface Link {
        /** Send one Router Solicitation (see the class comment for its addresses). */
        void solicitRouters();
    }

    private final Link link;
    private final Rng rng;
    private State state = State.IDLE;
    private long deadline = NdpRouting.NEVER;
    private int sent;

    /** @param rng draws the initial delay */
    public RouterSolicitor(Link link, Rng rng) {
        this.link = Objects.requireNonNull(link, "link");
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    /**
     * The interface came up (or up again): solicitation starts over after a delay drawn
     * uniformly from {@code [0, MAX_RTR_SOLICITATION_DELAY]}.
     *
     * @return the deadline of the first solicitation
     */
    public long start(long now) {
        state = State.DELAYING;
        sent = 0;
        deadline = now + Math.floorMod(rng.nextLong(), MAX_RTR_SOLICITATION_DELAY_NANOS + 1);
        return deadline;
    }

    /** A valid Router Advertisement arrived: no more solicitations. */
    public void routerAdvertisement() {
        if (state != State.IDLE) {
            state = State.DONE;
            deadline = NdpRouting.NEVER;
        }
    }

    /** Sends what is due at {@code now} and returns the next deadline ({@link NdpRouting#NEVER} if none). */
    public long poll(long now) {
        if (deadline > now) {
            return deadline;
        }
        switch (state) {
            case DELAYING, SOLICITING -> {
                if (sent < MAX_RTR_SOLICITATIONS) {
                    sent++;
                    state = State.SOLICITING;
                    // After the last one the host waits MAX_RTR_SOLICITATION_DELAY, then concludes there are no routers.
                    deadline = now + (sent < MAX_RTR_SOLICITATIONS ? RTR_SOLICITATION_INTERVAL_NANOS
                            : MAX_RTR_SOLICITATION_DELAY_NANOS);
                    link.solicitRouters();
                } else {
                    state = State.GAVE_UP;
                    deadline = NdpRouting.NEVER;
                }
            }
            default -> deadline = NdpRouting.NEVER;
        }
        return deadline;
    }

    public State state() {
        return state;
    }

    /** Solicitations sent since the last {@link #start}. */
    public int sent() {
        return sent;
    }

    /** The next deadline. */
    public long nextDeadline() {
        return deadline;
    }
}
