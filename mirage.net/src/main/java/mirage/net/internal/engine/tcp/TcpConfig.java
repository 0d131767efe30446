package mirage.net.internal.engine.tcp;

/**
 * The settings of one {@link TcpEngine}, validated when built. Durations are nanoseconds.
 *
 * @param sendBuffer bytes of the per-connection send buffer (what {@code write} accepts ahead of
 *     acknowledgment), 1 KiB to 16 MiB
 * @param receiveBuffer bytes of the per-connection receive buffer (the largest window offered),
 *     1 KiB to 16 MiB
 * @param maxConnections connections of all states, TIME-WAIT included, held at once
 * @param minRto the least retransmission timeout (RFC 6298 (2.4) says 1 s; Linux uses 200 ms)
 * @param maxRto the retransmission timeout backs off up to this (RFC 6298 (2.5): at least 60 s)
 * @param initialRto before any RTT sample (RFC 6298 (2.1): 1 s)
 * @param maxRetransmissions consecutive timeouts of one segment before the connection fails
 *     with {@link Termination#TIMEOUT} (RFC 9293 section 3.8.3's R2)
 * @param synRetries retransmissions of a SYN or SYN-ACK before giving up
 * @param timeWait how long TIME-WAIT lasts: 2 MSL (RFC 9293 says MSL = 2 min; Linux holds 60 s)
 * @param finWait2Timeout how long a connection closed by its application waits in FIN-WAIT-2
 *     for the peer's FIN before it is dropped (Linux's tcp_fin_timeout)
 * @param delayedAck the delayed ACK timer (RFC 9293 section 3.8.6.3: under 0.5 s)
 * @param challengeAcksPerSecond RFC 5961 section 7's limit on challenge ACKs, engine-wide
 * @param congestionControl NewReno or CUBIC
 * @param windowScaling offer RFC 7323 window scaling
 * @param timestamps offer RFC 7323 timestamps
 * @param sack offer RFC 2018 selective acknowledgments
 * @param synCookies answer SYNs with SYN cookies when a listener's backlog is full
 * @param ttl the IPv4 time to live of segments sent
 */
public record TcpConfig(int sendBuffer, int receiveBuffer, int maxConnections, long minRto, long maxRto,
        long initialRto, int maxRetransmissions, int synRetries, long timeWait, long finWait2Timeout, long delayedAck,
        int challengeAcksPerSecond, CongestionControl.Kind congestionControl, boolean windowScaling,
        boolean timestamps, boolean sack, boolean synCookies, int ttl) {

    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    /** 256 KiB buffers, 10,000 connections, RTO 200 ms to 60 s, 60 s TIME-WAIT, 40 ms delayed ACK, CUBIC, everything offered. */
    public static final TcpConfig DEFAULT = new TcpConfig(256 * 1024, 256 * 1024, 10_000, 200 * MS, 60 * S, S, 15, 6,
            60 * S, 60 * S, 40 * MS, 1000, CongestionControl.Kind.CUBIC, true, true, true, true, 64);

    public TcpConfig {
        if (sendBuffer < 1024 || sendBuffer > 16 << 20) {
            throw new IllegalArgumentException("sendBuffer must be 1 KiB..16 MiB: " + sendBuffer);
        }
        if (receiveBuffer < 1024 || receiveBuffer > 16 << 20) {
            throw new IllegalArgumentException("receiveBuffer must be 1 KiB..16 MiB: " + receiveBuffer);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
        }
        if (minRto <= 0 || maxRto < minRto || initialRto < minRto || initialRto > maxRto) {
            throw new IllegalArgumentException("need 0 < minRto <= initialRto <= maxRto: " + minRto + ", " + initialRto
                    + ", " + maxRto);
        }
        if (maxRetransmissions < 1 || synRetries < 1) {
            throw new IllegalArgumentException("retransmission limits must be positive");
        }
        if (timeWait < 0 || finWait2Timeout <= 0 || delayedAck <= 0 || delayedAck >= 500 * MS) {
            throw new IllegalArgumentException("need timeWait >= 0, finWait2Timeout > 0, 0 < delayedAck < 500 ms");
        }
        if (challengeAcksPerSecond < 1) {
            throw new IllegalArgumentException("challengeAcksPerSecond must be positive");
        }
        if (congestionControl == null) {
            throw new IllegalArgumentException("congestionControl is required");
        }
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("ttl must be 1..255: " + ttl);
        }
    }

    public TcpConfig withBuffers(int send, int receive) {
        return new TcpConfig(send, receive, maxConnections, minRto, maxRto, initialRto, maxRetransmissions, synRetries,
                timeWait, finWait2Timeout, delayedAck, challengeAcksPerSecond, congestionControl, windowScaling,
                timestamps, sack, synCookies, ttl);
    }

    public TcpConfig withMaxConnections(int max) {
        return new TcpConfig(sendBuffer, receiveBuffer, max, minRto, maxRto, initialRto, maxRetransmissions, synRetries,
                timeWait, finWait2Timeout, delayedAck, challengeAcksPerSecond, congestionControl, windowScaling,
                timestamps, sack, synCookies, ttl);
    }

    public TcpConfig withTimeWait(long nanos) {
        return new TcpConfig(sendBuffer, receiveBuffer, maxConnections, minRto, maxRto, initialRto, maxRetransmissions,
                synRetries, nanos, finWait2Timeout, delayedAck, challengeAcksPerSecond, congestionControl, windowScaling,
                timestamps, sack, synCookies, ttl);
    }

    public TcpConfig withCongestionControl(CongestionControl.Kind kind) {
        return new TcpConfig(sendBuffer, receiveBuffer, maxConnections, minRto, maxRto, initialRto, maxRetransmissions,
                synRetries, timeWait, finWait2Timeout, delayedAck, challengeAcksPerSecond, kind, windowScaling,
                timestamps, sack, synCookies, ttl);
    }

    /** With window scaling, timestamps and SACK each on or off. */
    public TcpConfig withExtensions(boolean windowScaling, boolean timestamps, boolean sack) {
        return new TcpConfig(sendBuffer, receiveBuffer, maxConnections, minRto, maxRto, initialRto, maxRetransmissions,
                synRetries, timeWait, finWait2Timeout, delayedAck, challengeAcksPerSecond, congestionControl,
                windowScaling, timestamps, sack, synCookies, ttl);
    }
}
