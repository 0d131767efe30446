package mirage.net.internal.engine.tcp;

import mirage.net.Tcp;

/** The engine's counters, kept by whichever of its parts sees the event; read as {@link Tcp.Stats}. */
final class Counters {
    long activeOpens;
    long passiveOpens;
    long failedAttempts;
    long segmentsReceived;
    long segmentsSent;
    long retransmitted;
    long resetsReceived;
    long resetsSent;
    long malformed;
    long challengeAcks;
    long synCookiesSent;
    /** Segments dropped without being malformed (not for us, unacceptable, over a limit). */
    long dropped;
    /** SYNs (and SYN-cookie ACKs) dropped because the connection limit or a backlog without SYN cookies was reached. */
    long overLimit;
    /** Connections ended by their idle timeout. */
    long idleTimeouts;
    /** Reads that waited their read timeout out. */
    long readTimeouts;
    /** ICMP errors that named a connection and a sequence number in flight. */
    long icmpErrors;
    /** Event sink calls that threw. */
    long eventFailures;

    /** The counters as {@link Tcp.Stats}, with {@code established} connections now; {@code handlerFailures} is the binding's. */
    Tcp.Stats stats(long established) {
        return new Tcp.Stats(activeOpens, passiveOpens, failedAttempts, established, segmentsReceived, segmentsSent,
                retransmitted, resetsReceived, resetsSent, malformed, challengeAcks, synCookiesSent, 0, dropped, overLimit,
                idleTimeouts, readTimeouts, icmpErrors);
    }
}
