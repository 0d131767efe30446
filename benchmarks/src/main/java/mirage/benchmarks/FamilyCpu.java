package mirage.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One operation of the IPv6-against-IPv4 benchmarks ({@link NetEngineBench}, {@link NetStackBench},
 * {@link TcpBulkBench}) timed in CPU time of this thread, not wall-clock time, so that it holds on
 * a busy machine (decision 0078). One operation per JVM, as JMH forks it: what the JIT makes of
 * a path depends on what else ran in the same JVM, and the IPv6 receive path's slowness was
 * exactly that. {@code benchmarks/ipv6-cpu.sh} runs it for both families and any number of jars,
 * alternating, and prints the ratios.
 *
 * <pre>
 * java -cp benchmarks.jar mirage.benchmarks.FamilyCpu OP FAMILY [PAYLOAD] [ROUNDS]
 *   OP      engine.receive | engine.send | stack.receive | stack.send | tcp.bulk
 *   FAMILY  ipv4 | ipv6;  PAYLOAD 64 or 1452 (UDP; ignored by tcp.bulk, MTU 1500)
 * </pre>
 * Prints {@code RESULT op family payload ns_per_op=MEDIAN min=MIN} (tcp.bulk: ns per MiB).
 */
public final class FamilyCpu {
    private FamilyCpu() {}

    private interface Op {
        void run(int n) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: FamilyCpu OP FAMILY [PAYLOAD] [ROUNDS]");
            System.exit(2);
        }
        String op = args[0];
        String family = args[1];
        int payload = args.length > 2 ? Integer.parseInt(args[2]) : 1452;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        Blackhole sink = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        Op o;
        int perRound = 200_000;
        switch (op) {
            case "engine.receive", "engine.send" -> {
                NetEngineBench b = new NetEngineBench();
                b.family = family;
                b.payloadBytes = payload;
                b.setup(sink);
                o = op.equals("engine.receive")
                        ? n -> { for (int i = 0; i < n; i++) { sink.consume(b.receive()); } }
                        : n -> { for (int i = 0; i < n; i++) { sink.consume(b.send()); } };
            }
            case "stack.receive", "stack.send" -> {
                NetStackBench b = new NetStackBench();
                b.family = family;
                b.payloadBytes = payload;
                b.setup(sink);
                o = op.equals("stack.receive")
                        ? n -> { for (int i = 0; i < n; i++) { b.receive(); } }
                        : n -> { for (int i = 0; i < n; i++) { b.send(); } };
            }
            case "tcp.bulk" -> {
                TcpBulkBench b = new TcpBulkBench();
                b.family = family;
                b.mtu = 1500;
                b.setup();
                perRound = 200;
                o = n -> { for (int i = 0; i < n; i++) { sink.consume(b.bulk()); } };
            }
            default -> throw new IllegalArgumentException("unknown operation " + op);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int w = 0; w < 5; w++) {
            o.run(perRound);
        }
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long t0 = threads.getCurrentThreadCpuTime();
            o.run(perRound);
            times.add((threads.getCurrentThreadCpuTime() - t0) / (double) perRound);
        }
        Collections.sort(times);
        System.out.println(String.format(Locale.ROOT, "RESULT %s %s %d ns_per_op=%.1f min=%.1f", op, family, payload,
                times.get(times.size() / 2), times.get(0)));
    }
}
