package mirage.net.internal.engine.ethernet;

import java.nio.ByteBuffer;

/**
 * Where an engine puts the frames it emits: a binding hands them to a {@link mirage.net.Netif},
 * a test records them.
 */
@FunctionalInterface
public interface FrameSink {
    /**
     * Takes one whole frame, the bytes between position and limit of {@code frame}. The buffer is
     * lent for the call only: the engine reuses it afterwards, so a sink that keeps bytes copies
     * them. Must not throw for a frame it cannot send: it drops and counts it, as a NIC does.
     * Must not call back into the engine that emitted the frame (a loopback delivers later, from
     * the loop): engines are not re-entrant, and the frame may be emitted while a received one is
     * being handled.
     */
    void transmit(ByteBuffer frame);
}
