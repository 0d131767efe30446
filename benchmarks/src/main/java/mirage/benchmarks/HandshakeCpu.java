package mirage.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link TlsBench#handshake1_3}'s work measured in CPU time of the running thread instead of
 * wall-clock time: on a machine shared with other work, a thread that is descheduled does not
 * count, so the numbers hold under load where JMH's throughput swings by 2x (a cache shared
 * with other processes still costs something). Not a JMH benchmark: a {@code main}.
 *
 * <p>Each implementation gets a {@link TlsBench} of its own, warmed up for {@code warmSeconds}
 * (C2 compiles Bouncy Castle's curve code for tens of seconds), then the implementations take
 * turns, {@code rounds} times, each for {@code seconds}; printed per round and as the median:
 * microseconds of CPU per handshake (client and server together, as in TlsBench) and
 * handshakes per CPU second.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar mirage.benchmarks.HandshakeCpu [suite] [impl,impl,...] [warmSeconds] [rounds] [seconds]</pre>
 * defaults: TLS_AES_128_GCM_SHA256, mirage,jdk, 30, 5, 3.
 */
public final class HandshakeCpu {
    private HandshakeCpu() {}

    public static void main(String[] args) throws Exception {
        String suite = args.length > 0 ? args[0] : "TLS_AES_128_GCM_SHA256";
        String[] impls = (args.length > 1 ? args[1] : "mirage,jdk").split(",");
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        TlsBench[] benches = new TlsBench[impls.length];
        for (int i = 0; i < impls.length; i++) {
            benches[i] = new TlsBench();
            benches[i].impl = impls[i];
            benches[i].suite = suite;
            benches[i].setup();
            run(benches[i], mx, warm);
        }
        List<List<Double>> perImpl = new ArrayList<>();
        for (int i = 0; i < impls.length; i++) {
            perImpl.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < impls.length; k++) {
                int i = (r % 2 == 0) ? k : impls.length - 1 - k; // alternate the order
                double us = run(benches[i], mx, seconds);
                perImpl.get(i).add(us);
                System.out.printf("round %d %-10s %8.1f us CPU per handshake%n", r + 1, impls[i], us);
            }
        }
        double first = median(perImpl.get(0));
        for (int i = 0; i < impls.length; i++) {
            double m = median(perImpl.get(i));
            System.out.printf("RESULT impl=%s suite=%s cpu_us_per_handshake=%.1f handshakes_per_cpu_s=%.0f ratio_to_%s=%.2f%n",
                    impls[i], suite, m, 1e6 / m, impls[0], m / first);
        }
    }

    /** Handshakes for {@code seconds} of wall-clock time; returns CPU microseconds per handshake. */
    private static double run(TlsBench bench, ThreadMXBean mx, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long cpu0 = mx.getCurrentThreadCpuTime();
        long n = 0;
        Object sink = null;
        while (System.nanoTime() < end) {
            sink = bench.handshake1_3();
            n++;
        }
        if (sink == null) {
            throw new IllegalStateException("no handshake");
        }
        return (mx.getCurrentThreadCpuTime() - cpu0) / 1000.0 / n;
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
