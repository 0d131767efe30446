package mirage.net.internal.wire.dhcp;

import mirage.net.internal.wire.Octets;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.dhcp.DhcpMessage.Op;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/** QuickTheories generators of every DHCP message the record can hold, long options included. */
final class Generators {
    private Generators() {}

    static Gen<DhcpMessage> messages() {
        return in -> new DhcpMessage(
                bool(in) ? Op.BOOTREQUEST : Op.BOOTREPLY, between(in, 0, 255), between(in, 0, 255), anyInt(in),
                between(in, 0, 0xffff), between(in, 0, 0xffff), address(in), address(in), address(in), address(in),
                octets(in, 0, 16), text(in, 0, 64, false), text(in, 0, 128, false), options().generate(in));
    }

    static Gen<DhcpOptions> options() {
        return in -> {
            DhcpOptions.Builder b = DhcpOptions.builder();
            MessageType[] types = MessageType.values();
            maybe(in, () -> b.messageType(types[between(in, 0, types.length - 1)]));
            maybe(in, () -> b.subnetMask(address(in)));
            maybe(in, () -> b.routers(list(in, 1, 70, Generators::address)));
            maybe(in, () -> b.domainNameServers(list(in, 1, 5, Generators::address)));
            maybe(in, () -> b.hostName(text(in, 1, 300, true)));
            maybe(in, () -> b.domainName(text(in, 1, 40, true)));
            maybe(in, () -> b.broadcastAddress(address(in)));
            maybe(in, () -> b.requestedIpAddress(address(in)));
            maybe(in, () -> b.leaseTime(u32(in)));
            maybe(in, () -> b.serverIdentifier(address(in)));
            maybe(in, () -> b.parameterRequestList(list(in, 1, 20, r -> between(r, 0, 255))));
            maybe(in, () -> b.message(text(in, 1, 40, true)));
            maybe(in, () -> b.maximumMessageSize(between(in, 576, 0xffff)));
            maybe(in, () -> b.renewalTime(u32(in)));
            maybe(in, () -> b.rebindingTime(u32(in)));
            maybe(in, () -> b.clientIdentifier(octets(in, 2, 20)));
            List<RawOption> others = new ArrayList<>();
            int count = between(in, 0, 4);
            for (int i = 0; i < count; i++) {
                int code = between(in, 1, 254);
                if (!DhcpOption.isKnown(code) && others.stream().noneMatch(o -> o.code() == code)) {
                    others.add(new RawOption(code, octets(in, 0, bool(in) ? 8 : 600)));
                }
            }
            return b.others(others).build();
        };
    }

    private static void maybe(RandomnessSource in, Runnable r) {
        if (bool(in)) {
            r.run();
        }
    }

    private static boolean bool(RandomnessSource in) {
        return between(in, 0, 1) == 1;
    }

    static int between(RandomnessSource in, int min, int max) {
        return integers().between(min, max).generate(in);
    }

    private static int anyInt(RandomnessSource in) {
        return integers().all().generate(in);
    }

    private static Ipv4Address address(RandomnessSource in) {
        return new Ipv4Address(anyInt(in));
    }

    private static long u32(RandomnessSource in) {
        return longs().between(0, 0xffff_ffffL).generate(in);
    }

    private static <T> List<T> list(RandomnessSource in, int min, int max, Function<RandomnessSource, T> element) {
        int n = between(in, min, max);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(element.apply(in));
        }
        return out;
    }

    private static Octets octets(RandomnessSource in, int min, int max) {
        byte[] b = new byte[between(in, min, max)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) between(in, 0, 255);
        }
        return Octets.of(b);
    }

    /** ISO 8859-1 text; with NUL only when {@code nul} (sname and file end at their first NUL). */
    private static String text(RandomnessSource in, int min, int max, boolean nul) {
        int n = between(in, min, max);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) between(in, nul ? 0 : 1, 255));
        }
        return s.toString();
    }
}
