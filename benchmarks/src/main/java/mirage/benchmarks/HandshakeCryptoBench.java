package mirage.benchmarks;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mirage.core.Rng;
import mirage.tls.Crypto;
import mirage.tls.internal.crypto.Backends;
import mirage.tls.internal.crypto.P256Tls13Signer;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.TlsECDomain;
import org.bouncycastle.tls.crypto.TlsSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsECDSA13Signer;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsECDSA13Signer;
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
 * The public-key operations of one TLS 1.3 handshake as our server does it under
 * {@code openssl s_time -new} (X25519 key share, ECDSA P-256 CertificateVerify with SHA-256),
 * each through the Bouncy Castle TLS class that does it in the handshake, on the two
 * implementations a back-end can pick:
 * <ul>
 *   <li>{@code impl=bc}: Bouncy Castle's pure-Java arithmetic as {@code HYBRID} uses it
 *       ({@code BcX25519}; {@code P256Tls13Signer}: RFC 6979 nonces, {@code k G} by
 *       {@code P256BaseMultiplier}'s per-window tables), from {@code Backends.create(HYBRID)};</li>
 *   <li>{@code impl=bc-comb}: the same, but Bouncy Castle's own {@code BcTlsECDSA13Signer}
 *       ({@code k G} by its fixed-point comb), for the signature (decision 0074);</li>
 *   <li>{@code impl=jdk}: the JDK's providers through Bouncy Castle's JCA classes
 *       ({@code JceX25519}: SunEC's XDH; {@code JcaTlsECDSA13Signer}: SunEC's
 *       {@code NONEwithECDSA}, random nonces), from {@code Backends.create(JCA)}.</li>
 * </ul>
 * Operations: {@code x25519KeyShare} (a fresh key pair and its encoded public key: the server's
 * key share), {@code x25519Secret} (the peer's share decoded and the shared secret computed and
 * extracted), {@code ecdsaP256Sign} (one signature over a SHA-256 hash, DER-encoded).
 *
 * <p>{@code main} runs both implementations in one JMH run (forks alternate by JMH's order of
 * parameters) and prints, per operation, microseconds per operation of each and the ratio
 * jdk/bc (below 1: the JDK is faster). Extra arguments are JMH's (e.g. {@code -f 2 -wi 5 -i 5}).
 * <pre>java -cp benchmarks/target/benchmarks.jar mirage.benchmarks.HandshakeCryptoBench [JMH options]</pre>
 * With {@code --cpu [warmSeconds] [rounds] [seconds] [operation]} (defaults 10, 5, 2, all three)
 * it times the same operations in CPU time of its thread instead (see {@link #cpu}), for numbers
 * that hold on a busy machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandshakeCryptoBench {

    @Param({"bc", "bc-comb", "jdk"})
    public String impl;

    private TlsECDomain x25519;
    private TlsAgreement server;
    private byte[] clientShare;
    private TlsSigner signer;
    private final SignatureAndHashAlgorithm ecdsaSha256 =
            SignatureScheme.getSignatureAndHashAlgorithm(SignatureScheme.ecdsa_secp256r1_sha256);
    private final byte[] hash = new byte[32];

    @Setup
    public void setup() throws Exception {
        SecureRandom random = new SecureRandom();
        Rng rng = Rng.drbg(random::nextBytes);
        TlsCrypto crypto = Backends.create(impl.startsWith("bc") ? Crypto.HYBRID : Crypto.JCA, rng);
        x25519 = crypto.createECDomain(new TlsECConfig(NamedGroup.x25519));
        clientShare = x25519.createECDH().generateEphemeral();
        server = x25519.createECDH();
        server.generateEphemeral();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        signer = crypto instanceof JcaTlsCrypto jca
                ? new JcaTlsECDSA13Signer(jca, key.getPrivate(), SignatureScheme.ecdsa_secp256r1_sha256)
                : "bc".equals(impl)
                ? new P256Tls13Signer((BcTlsCrypto) crypto,
                        (ECPrivateKeyParameters) PrivateKeyFactory.createKey(key.getPrivate().getEncoded()))
                : new BcTlsECDSA13Signer((BcTlsCrypto) crypto,
                        (ECPrivateKeyParameters) PrivateKeyFactory.createKey(key.getPrivate().getEncoded()),
                        SignatureScheme.ecdsa_secp256r1_sha256);
        random.nextBytes(hash);
    }

    @Benchmark
    public byte[] x25519KeyShare() throws Exception {
        return x25519.createECDH().generateEphemeral();
    }

    @Benchmark
    public byte[] x25519Secret() throws Exception {
        server.receivePeerValue(clientShare);
        return server.calculateSecret().extract();
    }

    @Benchmark
    public byte[] ecdsaP256Sign() throws Exception {
        hash[0]++; // a different message each time (the JDK's nonces are random anyway)
        return signer.generateRawSignature(ecdsaSha256, hash);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--cpu")) {
            cpu(args.length > 1 ? Integer.parseInt(args[1]) : 10, args.length > 2 ? Integer.parseInt(args[2]) : 5,
                    args.length > 3 ? Integer.parseInt(args[3]) : 2, args.length > 4 ? args[4] : null);
            return;
        }
        Options given = new CommandLineOptions(args);
        Options options = new OptionsBuilder().parent(given)
                .include(HandshakeCryptoBench.class.getSimpleName())
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Map<String, Double>> byOp = new HashMap<>();
        for (RunResult r : results) {
            String op = r.getParams().getBenchmark();
            op = op.substring(op.lastIndexOf('.') + 1);
            byOp.computeIfAbsent(op, k -> new HashMap<>())
                    .put(r.getParams().getParam("impl"), r.getPrimaryResult().getScore());
        }
        for (String op : new String[] {"x25519KeyShare", "x25519Secret", "ecdsaP256Sign"}) {
            Map<String, Double> m = byOp.get(op);
            if (m == null || m.get("bc") == null || m.get("jdk") == null || m.get("bc-comb") == null) {
                continue;
            }
            System.out.printf("RESULT op=%s bc_us=%.1f bc_comb_us=%.1f jdk_us=%.1f jdk_over_bc=%.2f comb_over_bc=%.2f%n",
                    op, m.get("bc"), m.get("bc-comb"), m.get("jdk"), m.get("jdk") / m.get("bc"),
                    m.get("bc-comb") / m.get("bc"));
        }
    }

    /** One operation of one implementation, for {@link #cpu}. */
    private interface Op {
        Object run(HandshakeCryptoBench b) throws Exception;
    }

    /**
     * The same operations timed in CPU time of this thread (a descheduled thread does not count,
     * so the figures hold on a shared machine where JMH's wall-clock scores swing by 2x): each
     * implementation warmed up for {@code warm} seconds per operation, then {@code rounds}
     * rounds alternating the implementations' order, each {@code seconds} long; medians.
     */
    private static void cpu(int warm, int rounds, int seconds, String only) throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        String[] ops = {"x25519KeyShare", "x25519Secret", "ecdsaP256Sign"};
        Op[] code = {HandshakeCryptoBench::x25519KeyShare, HandshakeCryptoBench::x25519Secret,
            HandshakeCryptoBench::ecdsaP256Sign};
        String[] impls = {"bc", "bc-comb", "jdk"};
        HandshakeCryptoBench[] benches = new HandshakeCryptoBench[impls.length];
        for (int i = 0; i < impls.length; i++) {
            benches[i] = new HandshakeCryptoBench();
            benches[i].impl = impls[i];
            benches[i].setup();
        }
        for (int o = 0; o < ops.length; o++) {
            if (only != null && !only.equals(ops[o])) {
                continue;
            }
            for (HandshakeCryptoBench b : benches) {
                timed(mx, code[o], b, warm);
            }
            double[][] us = new double[impls.length][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < impls.length; k++) {
                    int i = r % 2 == 0 ? k : impls.length - 1 - k;
                    us[i][r] = timed(mx, code[o], benches[i], seconds);
                }
            }
            double bc = median(us[0]);
            double comb = median(us[1]);
            double jdk = median(us[2]);
            System.out.printf("RESULT-CPU op=%s bc_us=%.1f bc_comb_us=%.1f jdk_us=%.1f jdk_over_bc=%.2f comb_over_bc=%.2f"
                    + " rounds_bc=%s rounds_bc_comb=%s rounds_jdk=%s%n",
                    ops[o], bc, comb, jdk, jdk / bc, comb / bc, java.util.Arrays.toString(us[0]),
                    java.util.Arrays.toString(us[1]), java.util.Arrays.toString(us[2]));
        }
    }

    private static double timed(java.lang.management.ThreadMXBean mx, Op op, HandshakeCryptoBench b, int seconds)
            throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long cpu0 = mx.getCurrentThreadCpuTime();
        long n = 0;
        Object sink = null;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 16; i++) {
                sink = op.run(b);
            }
            n += 16;
        }
        if (sink == null) {
            throw new AssertionError();
        }
        return Math.round((mx.getCurrentThreadCpuTime() - cpu0) / 100.0 / n) / 10.0;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
