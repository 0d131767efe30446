package mirage.net.internal.binding;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.net.Arp;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;

/** The direct stack's {@link Arp}: its ARP engine, reached through the loop. */
final class ArpLayer implements Arp {
    private final Direct stack;

    ArpLayer(Direct stack) {
        this.stack = stack;
    }

    @Override
    public Optional<MacAddress> query(Ipv4Address address) {
        Objects.requireNonNull(address, "address");
        return stack.onLoopQuietly(now -> stack.arpEngine().query(now, address));
    }

    @Override
    public List<Ipv4Address> addresses() {
        return stack.onLoopQuietly(now -> stack.arpEngine().addresses());
    }

    @Override
    public void setAddresses(List<Ipv4Address> addresses) {
        List<Ipv4Address> copy = List.copyOf(addresses);
        stack.onLoopQuietly(now -> {
            stack.arpEngine().setAddresses(now, copy);
            return null;
        });
    }

    @Override
    public void addAddress(Ipv4Address address) {
        Objects.requireNonNull(address, "address");
        stack.onLoopQuietly(now -> {
            stack.arpEngine().addAddress(now, address);
            return null;
        });
    }

    @Override
    public void removeAddress(Ipv4Address address) {
        Objects.requireNonNull(address, "address");
        stack.onLoopQuietly(now -> {
            stack.arpEngine().removeAddress(address);
            return null;
        });
    }

    @Override
    public List<Entry> entries() {
        return stack.onLoopQuietly(now -> stack.arpEngine().entries());
    }

    @Override
    public Stats stats() {
        return stack.onLoopQuietly(now -> stack.arpEngine().stats());
    }
}
