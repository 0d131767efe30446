package mirage.platform.xen.internal.binding.front;

import mirage.platform.xen.internal.binding.xenstore.XenbusNode;
import mirage.platform.xen.internal.engine.xenbus.FrontendHandshake;
import mirage.platform.xen.internal.wire.XenbusState;

/** The XenBus states every front end publishes on its way out, in the order its handshake takes them. */
final class FrontStates {
    private FrontStates() {}

    /**
     * Publishes Closing, then Closed, with {@code handshake} following: for a handshake already
     * told to close (by the back end, or by {@code handshake.close()}). On the event thread.
     */
    static void closeOut(XenbusNode node, FrontendHandshake handshake) {
        node.state(XenbusState.CLOSING);
        handshake.closed();
        node.state(XenbusState.CLOSED);
    }
}
