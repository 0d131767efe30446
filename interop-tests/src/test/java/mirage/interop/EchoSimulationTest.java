package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import mirage.core.Flow;
import mirage.core.Rng;
import mirage.http.ClientRequest;
import mirage.kv.KvRo;
import mirage.net.Tcp;
import mirage.time.Simulation;
import mirage.tls.ClientConfig;
import mirage.tls.Tls;
import mirage.tls.TlsFlow;
import mirage.tls.Trust;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * examples/echo as {@code ./mirage build --certs=boot} links it, booted under a simulation
 * (issue 19 item 5): its generated boot class parses the boot command line
 * ({@code --net:service=lan --kv:certs=certs --ipv4=10.0.0.2/24}), the simulation's tender binds
 * a port of an impaired simulated network and an in-memory certificate store, and the real
 * {@code start} serves. A client host on the same network (our direct stack) does what the
 * interop tests do with curl and socat, at once: HTTP {@code GET /bytes/N} and HTTPS
 * {@code GET /bytes/M} (the certificate checked against its anchor for {@code echo.test}),
 * each body's SHA-256 that of the pattern, and TCP echo on port 7. Every seed a different run;
 * see {@link SimulatedLan} for the seeds. No root, no tools.
 */
class EchoSimulationTest {
    @TempDir
    static Path work;
    static SimulatedUnikernel echo;
    static KvRo certs;
    static X509Certificate anchor;

    @BeforeAll
    static void link() throws Exception {
        echo = SimulatedUnikernel.build("echo", work, "--certs=boot");
        byte[] pem = SimulatedLan.resource("/sim/certs/server.pem");
        certs = SimulatedUnikernel.store(Map.of("server.pem", pem, "server.key", SimulatedLan.resource("/sim/certs/server.key")),
                SimulatedLan.EPOCH);
        anchor = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }

    static LongStream seeds() {
        return SimulatedLan.seeds();
    }

    /** The body of {@code GET /bytes/n}: byte i is i mod 251. */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void echo_asItBoots_servesHttpHttpsAndTcpEcho_onAnImpairedNetwork(long seed) throws Exception {
        simulate(seed);
    }

    /** The same seed replays the same run, event for event: what makes a failing seed worth printing. */
    @org.junit.jupiter.api.Test
    void aSeedReplaysExactly() throws Exception {
        assertEquals(simulate(7), simulate(7));
    }

    /** One seed's run, checked; returns the simulation's trace. */
    static java.util.List<String> simulate(long seed) throws Exception {
        String seedText = SimulatedLan.rerun(EchoSimulationTest.class, seed);
        SimulatedLan lan = SimulatedLan.create(seed, SimulatedLan.IMPAIRED);
        Simulation sim = lan.sim();
        SimulatedUnikernel.Devices devices = new SimulatedUnikernel.Devices(echo.manifest(), 2)
                .network(SimulatedLan.LAN, lan).store("certs", certs);
        Simulation.Task server = echo.boot(sim, "echo", devices, "--net:service=" + SimulatedLan.LAN, "--kv:certs=certs",
                SimulatedLan.SERVER_IPV4);
        SplittableRandom random = new SplittableRandom(seed);
        int httpLength = 1 + random.nextInt(200_000);
        int httpsLength = 1 + random.nextInt(100_000);
        byte[] echoed = new byte[1 + random.nextInt(64 * 1024)];
        random.nextBytes(echoed);

        AtomicReference<SimulatedLan.Response> http = new AtomicReference<>();
        AtomicReference<SimulatedLan.Response> https = new AtomicReference<>();
        AtomicReference<byte[]> echoedBack = new AtomicReference<>();
        Simulation.Task httpClient = sim.spawn("http-client", () -> {
            sim.sleep().sleep(Duration.ofSeconds(1)); // the unikernel boots
            try (Tcp.Connection c = lan.client().tcp().connect(SimulatedLan.SERVER, 80, SimulatedLan.CONNECT)) {
                http.set(SimulatedLan.exchange(c, ClientRequest.get("10.0.0.2", "/bytes/" + httpLength)));
            }
        });
        ClientConfig tls = ClientConfig.builder(Trust.anchors(anchor), Rng.seeded(seed, 103), sim.wallClock()).build();
        Simulation.Task httpsClient = sim.spawn("https-client", () -> {
            sim.sleep().sleep(Duration.ofSeconds(1));
            try (Tcp.Connection c = lan.client().tcp().connect(SimulatedLan.SERVER, 443, SimulatedLan.CONNECT);
                    TlsFlow t = Tls.client(c, tls, "echo.test")) {
                https.set(SimulatedLan.exchange(t, ClientRequest.get("echo.test", "/bytes/" + httpsLength)));
            }
        });
        Simulation.Task echoClient = sim.spawn("echo-client", () -> {
            sim.sleep().sleep(Duration.ofSeconds(1));
            try (Tcp.Connection c = lan.client().tcp().connect(SimulatedLan.SERVER, 7, SimulatedLan.CONNECT)) {
                c.write(ByteBuffer.wrap(echoed));
                c.shutdown(Flow.Direction.WRITE);
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
                while (c.read(buffer.clear()) != Flow.EOF) {
                    back.write(buffer.array(), 0, buffer.position());
                }
                echoedBack.set(back.toByteArray());
            }
        });

        sim.runFor(Duration.ofMinutes(10));
        lan.close();
        for (Simulation.Task client : new Simulation.Task[] {httpClient, httpsClient, echoClient}) {
            assertTrue(client.done(), seedText + ": " + client.name() + " still running after 10 virtual minutes\n"
                    + lan.traceTail(30));
            assertTrue(client.failure().isEmpty(), () -> seedText + ": " + client.name() + " failed: "
                    + stack(client.failure().get()) + "\n" + lan.traceTail(30));
        }
        assertFalse(server.done(), () -> seedText + ": echo ended: " + server.failure() + "\n" + lan.traceTail(30));

        assertEquals(200, http.get().status(), seedText);
        assertEquals(SimulatedLan.sha256(pattern(httpLength)), SimulatedLan.sha256(http.get().body()), seedText + ": HTTP body");
        assertEquals(200, https.get().status(), seedText);
        assertEquals(SimulatedLan.sha256(pattern(httpsLength)), SimulatedLan.sha256(https.get().body()),
                seedText + ": HTTPS body");
        assertArrayEquals(echoed, echoedBack.get(), seedText + ": TCP echo");
        assertTrue(sim.trace().stream().anyMatch(l -> l.endsWith("echo: echo: HTTPS on port 443")), seedText
                + ": the unikernel's console is the trace");
        return sim.trace();
    }

    static String stack(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
