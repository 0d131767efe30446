package mirage.benchmarks;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
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
 * TCP through whole stacks, side by side with the host-socket stack ({@code stack=host}: the
 * Linux kernel's TCP over loopback, through {@code java.nio}):
 * <ul>
 *   <li>{@code bulk}: one op moves {@value #BULK} bytes from a client to a server that reads
 *       them, over one established connection. {@code direct}: two direct stacks on a
 *       simulated network without impairments, the application tasks and the loop on the
 *       benchmark thread (the switch copies each frame once). Bytes/s = ops/s x 16 MiB.</li>
 *   <li>{@code connectRequestClose}: one op opens a connection, sends one byte, reads its echo,
 *       and closes.</li>
 * </ul>
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TcpStackBench {
    static final int BULK = 16 << 20;
    static final Ipv4Address SERVER = Ipv4Address.parse("10.0.0.3");
    static final Ipv4Address LOCALHOST = Ipv4Address.parse("127.0.0.1");

    @Param({"direct", "host"})
    public String stack;

    private Simulation sim;
    private Stack client;
    private Stack server;
    private Ipv4Address serverAddress;
    private int echoPort;
    private int sinkPort;
    private Tcp.Connection bulk;
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);

    @Setup(Level.Trial)
    public void setup() throws Exception {
        sim = Simulation.create(1);
        if (stack.equals("direct")) {
            SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(2), SimulatedNetwork.Impairments.NONE);
            client = Stack.direct(net.port("client", MacAddress.parse("02:00:00:00:00:02"), 1500),
                    NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24")), sim.loop(), Rng.seeded(3));
            server = Stack.direct(net.port("server", MacAddress.parse("02:00:00:00:00:03"), 1500),
                    NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.3/24")), sim.loop(), Rng.seeded(4));
            serverAddress = SERVER;
            echoPort = 7;
            sinkPort = 9;
            server.tcp().listen(7, TcpStackBench::echo);
            server.tcp().listen(9, TcpStackBench::sink);
        } else {
            // TCP of the host stack never uses the loop: the simulation's serves as a placeholder
            int offset;
            try (ServerSocket s = new ServerSocket(0)) {
                offset = s.getLocalPort() - 7;
            }
            server = Stack.host(sim.loop(), LOCALHOST, offset);
            client = Stack.host(sim.loop(), LOCALHOST, 0);
            serverAddress = LOCALHOST;
            echoPort = 7 + offset;
            sinkPort = 9 + offset;
            server.tcp().listen(7, TcpStackBench::echo);
            server.tcp().listen(9, TcpStackBench::sink);
        }
        run(() -> bulk = client.tcp().connect(serverAddress, sinkPort, Duration.ofSeconds(10), Tcp.Options.DEFAULT));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        server.close();
    }

    static void echo(Tcp.Connection c) throws FlowException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (c.read(b.clear()) != Flow.EOF) {
            c.write(b.flip());
        }
    }

    static void sink(Tcp.Connection c) throws FlowException {
        ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
        while (c.read(b.clear()) != Flow.EOF) {
            // discard
        }
    }

    /** Runs {@code body} as an application task: on the simulation for the direct stack, at once for the host's. */
    private void run(Simulation.Body body) throws Exception {
        if (stack.equals("direct")) {
            Simulation.Task t = sim.spawn("app", body);
            while (!t.done()) {
                sim.runUntil(sim.now() + 1_000_000_000L);
            }
            if (t.failure().isPresent()) {
                throw new IllegalStateException(t.failure().get());
            }
        } else {
            body.run();
        }
    }

    @Benchmark
    public void bulk() throws Exception {
        run(() -> {
            for (int sent = 0; sent < BULK; sent += chunk.capacity()) {
                bulk.write(chunk.clear());
            }
        });
    }

    @Benchmark
    public int connectRequestClose() throws Exception {
        int[] got = new int[1];
        run(() -> {
            try (Tcp.Connection c = client.tcp().connect(serverAddress, echoPort, Duration.ofSeconds(10), Tcp.Options.DEFAULT.withNoDelay(true))) {
                c.write(ByteBuffer.wrap(new byte[] {42}));
                got[0] = c.read(ByteBuffer.allocate(1));
            }
        });
        return got[0];
    }
}
