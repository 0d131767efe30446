package mirage.net.internal.binding;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.net.Ipv6;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.engine.ndp.Slaac;

/**
 * {@link Ipv6} of the direct stack: the IPv6 engine's addresses, router, MTU and counters, read on
 * the loop. A stack without IPv6 has no addresses, an MTU of 0, and counts nothing.
 */
final class Ipv6Layer implements Ipv6 {
    private static final Stats NONE = new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private final Direct stack;

    Ipv6Layer(Direct stack) {
        this.stack = stack;
    }

    @Override
    public List<Ipv6Cidr> addresses() {
        Ipv6Engine e = stack.ip6Engine();
        return e == null ? List.of() : stack.onLoopQuietly(now -> e.addresses());
    }

    @Override
    public List<AddressState> addressStates() {
        Ipv6Engine e = stack.ip6Engine();
        return e == null ? List.of() : stack.onLoopQuietly(now -> states(e.addressStates()));
    }

    private static List<AddressState> states(List<Slaac.AddressInfo> infos) {
        List<AddressState> out = new ArrayList<>(infos.size());
        for (Slaac.AddressInfo a : infos) {
            out.add(new AddressState(a.address(), AddressState.State.valueOf(a.state().name()), a.manual()));
        }
        return out;
    }

    @Override
    public void onAddressChange(AddressListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        if (stack.ip6Engine() != null) {
            stack.onLoopQuietly(now -> {
                stack.onIpv6AddressChange(listener);
                return null;
            });
        }
    }

    @Override
    public int linkMtu() {
        Ipv6Engine e = stack.ip6Engine();
        return e == null ? 0 : stack.onLoopQuietly(now -> e.mtu());
    }

    @Override
    public Optional<Ipv6Address> defaultRouter() {
        Ipv6Engine e = stack.ip6Engine();
        return e == null ? Optional.empty() : stack.onLoopQuietly(now -> e.defaultRouter());
    }

    @Override
    public Stats stats() {
        Ipv6Engine e = stack.ip6Engine();
        return e == null ? NONE : stack.onLoopQuietly(now -> e.stats());
    }

    @Override
    public String toString() {
        return "Ipv6" + addresses();
    }
}
