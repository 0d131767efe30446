package mirage.net.internal.binding;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.EtherType;
import mirage.net.Ethernet;
import mirage.net.MacAddress;
import mirage.net.NetException;

/** The direct stack's {@link Ethernet}: its Ethernet engine, reached through the loop. */
final class EthernetLayer implements Ethernet {
    private final Direct stack;

    EthernetLayer(Direct stack) {
        this.stack = stack;
    }

    @Override
    public MacAddress mac() {
        return stack.netif().mac();
    }

    @Override
    public int mtu() {
        return stack.netif().mtu();
    }

    @Override
    public void write(MacAddress destination, EtherType type, ByteBuffer payload) throws NetException {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(type, "type");
        checkPayloadType(type);
        int mtu = mtu();
        if (payload.remaining() > mtu) {
            throw new NetException(NetException.Reason.MESSAGE_TOO_LONG,
                    "Ethernet payload of " + payload.remaining() + " bytes exceeds the MTU " + mtu);
        }
        stack.onLoopChecked(now -> {
            stack.ethernetEngine().send(destination.bits(), type.value(), payload);
            return null;
        });
    }

    @Override
    public void listen(EtherType type, Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        checkPayloadType(type);
        stack.onLoopQuietly(now -> {
            stack.listen(type.value(), receiver);
            return null;
        });
    }

    @Override
    public Stats stats() {
        return stack.onLoopQuietly(now -> stack.ethernetEngine().stats());
    }

    private static void checkPayloadType(EtherType type) {
        if (type.equals(EtherType.VLAN)) {
            throw new IllegalArgumentException("0x8100 is a VLAN tag, not a payload EtherType");
        }
    }
}
