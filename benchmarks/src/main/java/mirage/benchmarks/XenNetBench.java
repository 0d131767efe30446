package mirage.benchmarks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.Netif;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.platform.xen.internal.binding.back.BackContext;
import mirage.platform.xen.internal.binding.back.Netback;
import mirage.platform.xen.internal.binding.event.Blocker;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.binding.event.LoopDispatcher;
import mirage.platform.xen.internal.binding.front.FrontContext;
import mirage.platform.xen.internal.binding.front.Netfront;
import mirage.platform.xen.internal.binding.host.Toolstack;
import mirage.platform.xen.internal.binding.xenstore.XenstoreClient;
import mirage.platform.xen.internal.binding.xenstore.XenstoreRing;
import mirage.platform.xen.internal.binding.xenstore.XenstoreService;
import mirage.platform.xen.internal.engine.xenstore.XsServer;
import mirage.platform.xen.internal.sim.SimDomain;
import mirage.platform.xen.internal.sim.SimulatedHypervisor;
import mirage.time.Simulation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk TCP between two direct stacks (issue 17's performance item), side by side:
 * <ul>
 *   <li>{@code link=switch}: both stacks on {@code SimulatedNetwork} without impairments (the
 *       switch copies each frame once);</li>
 *   <li>{@code link=xen}: the client's stack on a guest's netfront, the server's on the control
 *       domain's netback (its vif), on the simulated hypervisor: every frame crosses the
 *       shared rings, a grant copy and the event channels.</li>
 * </ul>
 * Everything runs on one simulation's loop on the benchmark's thread (virtual time, so no
 * waiting: the score is CPU work). One op moves {@value #BULK} bytes client to server over one
 * established connection with a 1500-byte MTU; bytes/s = ops/s x 16 MiB. With {@code -prof gc},
 * {@code gc.alloc.rate.norm} divided by the frames per op printed at tear-down is the bytes
 * allocated per frame.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class XenNetBench {
    static final int BULK = 16 << 20;
    static final Ipv4Address SERVER = Ipv4Address.parse("10.0.0.3");

    @Param({"switch", "xen"})
    public String link;

    private Simulation sim;
    private SimulatedHypervisor hv;
    private Netif clientIf;
    private Netif serverIf;
    private Stack client;
    private Stack server;
    private Tcp.Connection bulk;
    private long ops;
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);

    @Setup(Level.Trial)
    public void setup() throws Exception {
        sim = Simulation.create(1);
        if (link.equals("switch")) {
            SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(2), SimulatedNetwork.Impairments.NONE);
            clientIf = net.port("client", MacAddress.parse("02:00:00:00:00:02"), 1500);
            serverIf = net.port("server", MacAddress.parse("02:00:00:00:00:03"), 1500);
        } else {
            xenHost();
        }
        client = Stack.direct(clientIf, NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24")), sim.loop(), Rng.seeded(3));
        server = Stack.direct(serverIf, NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.3/24")), sim.loop(), Rng.seeded(4));
        server.tcp().listen(9, XenNetBench::sink);
        run(() -> bulk = client.tcp().connect(SERVER, 9, Duration.ofSeconds(10), Tcp.Options.DEFAULT));
    }

    /** Domain 0 with xenstored, a toolstack and netback; a guest whose netfront connects to it. */
    private void xenHost() throws Exception {
        hv = new SimulatedHypervisor(sim::now);
        SimDomain dom0 = hv.createDomain("Domain-0", sim.loop().waiter());
        DomainEvents events0 = new DomainEvents(dom0);
        LoopDispatcher.install(sim.loop(), events0);
        XenstoreService xenstored = new XenstoreService(dom0, events0, sim.loop(), XsServer.Limits.DEFAULT);
        XenstoreClient xs0 = xenstored.connectLocal();
        BackContext back = new BackContext(dom0, events0, xs0, sim.loop(), line -> System.err.println("dom0: " + line));
        Toolstack toolstack = new Toolstack(xs0, 0);
        SimDomain guest = hv.buildGuest("guest", 0, sim.loop().waiter());
        toolstack.createDomain(guest.domid(), "guest", guest.storeFrame(), guest.startInfo().storePort(),
                guest.consoleFrame(), guest.startInfo().consolePort(), 65536);
        DomainEvents events = new DomainEvents(guest);
        LoopDispatcher.install(sim.loop(), events);
        Blocker blocker = new Blocker(sim.loop()::now, sim.loop()::waiter, null);
        XenstoreClient xs = XenstoreRing.connect(guest, events, blocker);
        FrontContext front = new FrontContext(guest, events, xs, blocker, line -> System.err.println("guest: " + line));
        toolstack.addVif(guest.domid(), 0, "02:00:00:00:00:02", "bench", 1500);
        serverIf = Netback.start(back, guest.domid(), 0, MacAddress.parse("02:00:00:00:00:03"), 1500);
        Netif[] nf = new Netif[1];
        run(() -> nf[0] = Netfront.open(front, "service", 0, 0, Duration.ofSeconds(10)));
        clientIf = nf[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Netif.Stats c = clientIf.stats();
        Netif.Stats s = serverIf.stats();
        long frames = c.txFrames() + c.rxFrames();
        System.out.printf(Locale.ROOT, "%n%s: %d ops, %.0f frames per op (client tx %d, rx %d; server tx %d, rx %d)%n",
                link, ops, ops == 0 ? 0.0 : (double) frames / ops, c.txFrames(), c.rxFrames(), s.txFrames(), s.rxFrames());
        client.close();
        server.close();
        if (hv != null) {
            hv.close();
        }
    }

    static void sink(Tcp.Connection c) throws FlowException {
        ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
        while (c.read(b.clear()) != Flow.EOF) {
            // discard
        }
    }

    private void run(Simulation.Body body) throws Exception {
        Simulation.Task t = sim.spawn("app", body);
        while (!t.done()) {
            sim.runUntil(sim.now() + 1_000_000_000L);
        }
        if (t.failure().isPresent()) {
            throw new IllegalStateException(t.failure().get());
        }
    }

    @Benchmark
    public void bulk() throws Exception {
        ops++;
        run(() -> {
            for (int sent = 0; sent < BULK; sent += chunk.capacity()) {
                bulk.write(chunk.clear());
            }
        });
    }
}
