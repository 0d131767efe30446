package mirage.testkit;

import java.nio.channels.SocketChannel;
import mirage.core.Flow;
import mirage.testkit.internal.SocketChannelFlow;

/** Flows over the host's own sockets, for tests that talk to real peers (curl, openssl, git) without a mirage stack. */
public interface HostFlows {

    /**
     * A {@link Flow} over a connected, blocking {@code channel}: reads and writes block the
     * calling thread; a {@code writev} is one gathering write; every failure is a
     * {@code FlowException} with reason {@code RESET}; close closes the channel. It cannot time
     * its reads.
     */
    static Flow of(SocketChannel channel) {
        return new SocketChannelFlow(channel);
    }
}
