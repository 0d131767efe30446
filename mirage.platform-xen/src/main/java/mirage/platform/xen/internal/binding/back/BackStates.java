package mirage.platform.xen.internal.binding.back;

import mirage.platform.xen.internal.binding.xenstore.XenbusNode;
import mirage.platform.xen.internal.engine.xenbus.BackendHandshake;
import mirage.platform.xen.internal.wire.XenbusState;

/** The XenBus states every back end publishes once it has let go of a front end's rings. */
final class BackStates {
    private BackStates() {}

    /**
     * Publishes Closing after a disconnect, and Closed too if the front end (in
     * {@code frontendState}) has closed already; otherwise Closed follows when it does. On the loop.
     */
    static void disconnected(XenbusNode node, BackendHandshake handshake, XenbusState frontendState) {
        node.state(XenbusState.CLOSING);
        if (handshake.disconnected(frontendState) == BackendHandshake.Step.CLOSED) {
            node.state(XenbusState.CLOSED);
        }
    }
}
