package mirage.benchmarks;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.Rng;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.Ipv6Address;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Link;
import mirage.net.internal.engine.ipv6.Ipv6Fragmenter;
import mirage.net.internal.engine.ipv6.Ipv6Reassembly;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.Ipv6Repr;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Reassembly of a datagram of 2000 octets of UDP payload that came as two fragments (MTU 1500),
 * per datagram (both fragments):
 * <ul>
 *   <li>{@code family=ipv4}: {@code Ipv4Engine.receive} of each fragment (header checks and
 *       checksum, then its {@code Reassembly}); the second returns the whole datagram.</li>
 *   <li>{@code family=ipv6}: what an IPv6 layer does with each: {@code Ipv6Packet.check},
 *       {@code Ipv6HeaderChain.check}, {@code Ipv6Reassembly.add}; the second returns the
 *       whole packet, whose chain is checked again to reach UDP.</li>
 * </ul>
 * Both allocate the reassembly buffer of each datagram (2 KiB, then grown to fit). Its
 * {@code main} runs the two sides in alternating order, {@code rounds} times, and prints each
 * round's ratio and the median: {@code java -cp benchmarks/target/benchmarks.jar
 * mirage.benchmarks.ReassemblyBench [rounds] [JMH options]}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReassemblyBench {

    @Param({"ipv4", "ipv6"})
    public String family;

    private static final int PAYLOAD = 2000;

    private Ipv4Engine ip4;
    private final ByteBuffer[] v4 = new ByteBuffer[2];
    private Ipv6Reassembly reassembly;
    private final ByteBuffer[] v6 = new ByteBuffer[2];
    private final Ipv6Packet packet = new Ipv6Packet();
    private final Ipv6HeaderChain chain = new Ipv6HeaderChain();
    private long now;

    @Setup
    public void setup() {
        Ipv4Address us = Ipv4Address.parse("10.0.0.2");
        List<ByteBuffer> captured = new ArrayList<>();
        Ipv4Link capture = new Ipv4Link() {
            @Override
            public int mtu() {
                return 1500;
            }

            @Override
            public void transmit(long at, Ipv4Address nextHop, ByteBuffer p) {
                captured.add(ByteBuffer.allocate(p.remaining()).put(p.duplicate()).flip());
            }
        };
        new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.3/24")), List.of()), capture, Rng.seeded(1))
                .send(0, Ipv4Address.UNSPECIFIED, us, 17, 64, Ipv4.Fragmentation.ALLOW, udp());
        v4[0] = captured.get(0);
        v4[1] = captured.get(1);
        ip4 = new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.2/24")), List.of()), new Ipv4Link() {
            @Override
            public int mtu() {
                return 1500;
            }

            @Override
            public void transmit(long at, Ipv4Address nextHop, ByteBuffer p) {
            }
        }, Rng.seeded(2));

        Ipv6Repr header = Ipv6Repr.of(Ipv6Address.parse("2001:db8::3"), Ipv6Address.parse("2001:db8::2"), 17, 64, PAYLOAD);
        ByteBuffer whole = ByteBuffer.allocate(header.totalLength());
        header.emit(whole, 0);
        whole.put(header.bufferLen(), udp(), 0, PAYLOAD);
        Ipv6Packet p = new Ipv6Packet();
        p.check(whole, 0, whole.limit());
        List<ByteBuffer> fragments = new ArrayList<>();
        new Ipv6Fragmenter(Rng.seeded(3), 1500).send(0, p, 1500,
                (at, b, offset, length) -> fragments.add(ByteBuffer.allocate(length).put(0, b, offset, length)));
        v6[0] = fragments.get(0);
        v6[1] = fragments.get(1);
        reassembly = new Ipv6Reassembly(Ipv6Reassembly.Limits.DEFAULTS);
        if (!"ipv4".equals(family) && !"ipv6".equals(family)) {
            throw new IllegalArgumentException("family is ipv4 or ipv6: " + family);
        }
    }

    private static ByteBuffer udp() {
        ByteBuffer b = ByteBuffer.allocate(PAYLOAD);
        for (int i = 0; i < PAYLOAD; i++) {
            b.put(i, (byte) i);
        }
        return b;
    }

    @Benchmark
    public int twoFragments() {
        long at = ++now;
        if (family.equals("ipv4")) {
            ip4.receive(at, v4[0], 0, v4[0].limit());
            return ip4.receive(at, v4[1], 0, v4[1].limit()).payloadLength();
        }
        add(at, v6[0]);
        if (add(at, v6[1]).delivers() && chain.check(reassembly.complete())) {
            return chain.upperLayerLength();
        }
        throw new IllegalStateException("not reassembled");
    }

    private Ipv6Reassembly.Outcome add(long at, ByteBuffer fragment) {
        if (!packet.check(fragment, 0, fragment.limit()) || !chain.check(packet)) {
            throw new IllegalStateException("bad fragment");
        }
        return reassembly.add(at, packet, chain);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : 4;
        String[] jmh = args.length > 0 && args[0].matches("\\d+") ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        Options given = new CommandLineOptions(jmh);
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            String[] order = round % 2 == 0 ? new String[] {"ipv4", "ipv6"} : new String[] {"ipv6", "ipv4"};
            double[] score = new double[2];
            for (String side : order) {
                Options o = new OptionsBuilder().parent(given).include(ReassemblyBench.class.getSimpleName())
                        .param("family", side).build();
                for (RunResult r : new Runner(o).run()) {
                    score[side.equals("ipv4") ? 0 : 1] = r.getPrimaryResult().getScore();
                }
            }
            ratios.add(score[1] / score[0]);
            System.out.printf("ROUND %d ipv4_ns=%.1f ipv6_ns=%.1f ipv6_over_ipv4=%.2f%n", round, score[0], score[1], score[1] / score[0]);
        }
        Collections.sort(ratios);
        int n = ratios.size();
        double median = n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
        System.out.printf("RESULT reassembly2 ipv6_over_ipv4_median=%.2f (time per datagram; below 1: IPv6 faster)%n", median);
    }
}
