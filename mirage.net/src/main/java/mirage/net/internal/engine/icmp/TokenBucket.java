package mirage.net.internal.engine.icmp;

/**
 * The token bucket that limits ICMP error messages (RFC 4443 section 2.4 (f) for ICMPv6, which
 * names this method; RFC 1812 section 4.3.2.8 for ICMPv4): tokens accrue at a sustained rate up
 * to a burst, each message takes one, and a message that finds none is not sent. Time is the
 * {@code now} of each call (nanoseconds, any origin; a {@code now} before an earlier one adds
 * nothing); the bucket starts full at the first call.
 * Allocates nothing.
 *
 * <p>Not thread-safe: owned by its engine.
 */
public final class TokenBucket {
    private final long tokenInterval;
    private final long capacity;
    private long credit;
    private long lastRefill;
    private boolean started;

    /**
     * @param perSecond the sustained rate, at least 1 (at most 10^9)
     * @param burst how many may go at once after a quiet spell, at least 1
     * @throws IllegalArgumentException if either is out of range
     */
    public TokenBucket(int perSecond, int burst) {
        if (perSecond < 1 || perSecond > 1_000_000_000 || burst < 1) {
            throw new IllegalArgumentException("ICMP error rate and burst must be at least 1: " + perSecond + "/s, burst " + burst);
        }
        this.tokenInterval = 1_000_000_000L / perSecond;
        this.capacity = tokenInterval * burst;
    }

    /** Takes a token if there is one at {@code now}; false if the bucket is empty. */
    public boolean take(long now) {
        if (!started) {
            started = true;
            credit = capacity;
            lastRefill = now;
        } else if (now - lastRefill > 0) {
            long elapsed = now - lastRefill;
            credit = elapsed >= capacity - credit ? capacity : credit + elapsed;
            lastRefill = now;
        }
        if (credit < tokenInterval) {
            return false;
        }
        credit -= tokenInterval;
        return true;
    }
}
