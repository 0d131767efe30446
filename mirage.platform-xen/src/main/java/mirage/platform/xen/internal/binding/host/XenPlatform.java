package mirage.platform.xen.internal.binding.host;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.core.spi.ManifestException;
import mirage.core.spi.Platform;
import mirage.platform.solo5.Solo5;
import mirage.platform.xen.Xen;
import mirage.platform.xen.internal.binding.back.BackContext;
import mirage.platform.xen.internal.binding.back.ConsoleBack;
import mirage.platform.xen.internal.binding.event.Blocker;
import mirage.platform.xen.internal.binding.event.ClockWaiter;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.binding.front.ConsoleFront;
import mirage.platform.xen.internal.binding.front.FrontContext;
import mirage.platform.xen.internal.binding.xenstore.XenstoreClient;
import mirage.platform.xen.internal.binding.xenstore.XenstoreRing;
import mirage.platform.xen.internal.binding.xenstore.XenstoreService;
import mirage.platform.xen.internal.engine.xenstore.XsServer;
import mirage.platform.xen.internal.sim.SimDomain;
import mirage.platform.xen.internal.sim.SimulatedHypervisor;

/**
 * The {@code xen} target's platform: the image runs as a guest domain of a simulated Xen host
 * in its own process (docs/decisions/0043). At construction the host is made: the simulated
 * hypervisor on the real clock, domain 0 on a loop thread of its own with xenstored, a
 * toolstack and xenconsoled (the guest's PV console goes to standard output), then the guest,
 * whose xenstore client speaks over its ring. {@link #bind} writes each device's xenstore
 * nodes as libxl would, starts its back end in domain 0 and opens its front end in the guest:
 * {@code --block:NAME=PATH} is blkback on the file and blkfront as a {@code mirage.block.Block};
 * {@code --net:NAME=VALUE} is netback bridged to what Solo5's binder attaches for the same value
 * (a TAP, {@code if:IFACE}, {@code unix:PATH}), and netfront as a {@code mirage.net.Netif}.
 *
 * <p>{@link #yield} is the guest's event thread: it waits in the hypervisor for an upcall and
 * dispatches the guest's event channels, so front ends deliver frames and completions on the
 * loop's thread, as Solo5's devices do.
 *
 * <p>Threading as {@link Platform} says; {@link #bind} runs on the thread that later yields.
 */
public final class XenPlatform implements Platform {
    /** How long a device's handshake may take at boot. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Disks xvda to xvdp: the numbering {@code 202 << 8 | 16 * i} has room for 16. */
    static final int MAX_DISKS = 16;

    private final Manifest manifest;
    private final SimulatedHypervisor hv;
    private final SimDomain dom0;
    private final DomainLoop loop0;
    private final XenstoreService xenstored;
    private final XenstoreClient xs0;
    private final BackContext back;
    private final Toolstack toolstack;
    private final SimDomain guest;
    private final DomainEvents events;
    private final Blocker blocker;
    private final FrontContext front;
    private final ConsoleBack consoleBack;
    private final ConsoleFront console;
    private final Platform host;
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final List<AutoCloseable> backends = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread bridge;

    /**
     * Builds the simulated host and the guest for {@code manifest}'s devices.
     *
     * @param out where the guest's console and the host's reports go
     * @throws IllegalStateException if the host cannot be built (the message says why)
     */
    public XenPlatform(Manifest manifest, PrintStream out) {
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        hv = SimulatedHypervisor.realTime();
        boolean done = false;
        try {
            dom0 = hv.createDomain("Domain-0", new ClockWaiter(hv::now));
            DomainEvents events0 = new DomainEvents(dom0);
            loop0 = new DomainLoop(dom0, events0, "xen-dom0");
            xenstored = new XenstoreService(dom0, events0, loop0, XsServer.Limits.DEFAULT);
            xs0 = xenstored.connectLocal();
            back = new BackContext(dom0, events0, xs0, loop0, line -> report(out, "dom0: " + line));
            toolstack = new Toolstack(xs0, 0);
            guest = buildGuest(hv);
            events = new DomainEvents(guest);
            blocker = new Blocker(hv::now, () -> new ClockWaiter(hv::now), this::pumpOnce);
            blocker.eventThreadIsCurrent();
            var start = guest.startInfo();
            ConsoleBack[] cb = new ConsoleBack[1];
            loop0.run(() -> {
                try {
                    toolstack.createDomain(guest.domid(), guest.name(), guest.storeFrame(), start.storePort(),
                            guest.consoleFrame(), start.consolePort(), 65536);
                    cb[0] = ConsoleBack.connect(back, guest.domid(), start.consolePort(), out);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot build the guest domain: " + e.getMessage(), e);
                }
            });
            consoleBack = cb[0];
            console = ConsoleFront.open(guest, events, blocker);
            XenstoreClient xs = XenstoreRing.connect(guest, events, blocker);
            front = new FrontContext(guest, events, xs, blocker, line -> console.println("xen: " + line));
            // the host's own devices (TAPs, sockets) and its random source: Solo5's binder
            List<Manifest.Entry> nets = manifest.devices().stream().filter(e -> e.kind() == DeviceKind.NET_BASIC).toList();
            host = Solo5.platform(new Manifest(nets));
            done = true;
        } finally {
            if (!done) {
                hv.close();
            }
        }
    }

    private static SimDomain buildGuest(SimulatedHypervisor hv) {
        try {
            return hv.buildGuest("mirage", 0, new ClockWaiter(hv::now));
        } catch (mirage.platform.xen.internal.hypervisor.HypervisorException e) {
            throw new IllegalStateException("cannot build the guest domain: " + e.getMessage(), e);
        }
    }

    /** The platform of the running image, its manifest read from under {@code java.home}. */
    public static XenPlatform fromImage() {
        Path file = Path.of(System.getProperty("java.home"), Xen.IMAGE_MANIFEST);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the device manifest " + file + ": " + e.getMessage(), e);
        }
        try {
            return new XenPlatform(Manifest.parse(text), System.out);
        } catch (ManifestException e) {
            throw new IllegalStateException("malformed device manifest " + file + ": " + e.getMessage(), e);
        }
    }

    private static void report(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** The guest's event thread waiting: an upcall or the deadline, then its handlers. */
    private void pumpOnce(long deadlineNanos) throws InterruptedException {
        guest.await(deadlineNanos);
        events.dispatch();
    }

    @Override
    public String name() {
        return Xen.TARGET;
    }

    @Override
    public Console console() {
        return console;
    }

    @Override
    public Entropy entropy() {
        return host.entropy();
    }

    @Override
    public long monotonicNanos() {
        return hv.now();
    }

    @Override
    public long wallClockNanos() {
        return host.wallClockNanos();
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    /** The xenstore tree as domain 0 sees it under {@code path}, one {@code path = value} line per node (for tests and reports). */
    public List<String> xenstore(String path) {
        List<String> lines = new ArrayList<>();
        loop0.run(() -> dump(path, lines));
        return lines;
    }

    private void dump(String path, List<String> lines) {
        try {
            String v = xs0.readOrNull(path);
            if (v == null) {
                return;
            }
            lines.add(path + " = " + v);
            for (String child : xs0.directory(path)) {
                dump(path + "/" + child, lines);
            }
        } catch (Exception e) {
            lines.add(path + ": " + e.getMessage());
        }
    }

    @Override
    public List<String> bind(List<String> argv) throws ArgumentException {
        blocker.eventThreadIsCurrent();
        Map<String, String> bound = new LinkedHashMap<>();
        List<String> hostArgs = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        boolean ended = false;
        for (String element : argv) {
            boolean binding = element.startsWith("--net:") || element.startsWith("--block:")
                    || element.startsWith("--net-mac:") || element.startsWith("--net-mtu:");
            if (ended || !binding) {
                ended |= element.equals("--");
                rest.add(element);
                continue;
            }
            int eq = element.indexOf('=');
            if (eq < 0) {
                throw new ArgumentException(Problem.MALFORMED, element, "malformed device binding '" + element
                        + "': expected --KIND:NAME=VALUE");
            }
            String option = element.substring(0, eq);
            if (bound.putIfAbsent(option, element.substring(eq + 1)) != null) {
                throw new ArgumentException(Problem.REPEATED, option, option + " given more than once");
            }
            if (element.startsWith("--net")) {
                hostArgs.add(element);
            }
        }
        for (Map.Entry<String, String> b : bound.entrySet()) {
            String name = b.getKey().substring(b.getKey().indexOf(':') + 1);
            if (manifest.device(name).isEmpty()) {
                throw new ArgumentException(Problem.DEVICE, b.getKey(), "unknown device '" + name + "' in " + b.getKey());
            }
        }
        List<Manifest.Entry> entries = manifest.devices();
        int disks = 0;
        for (Manifest.Entry e : entries) {
            if (e.kind() == DeviceKind.BLOCK_BASIC && ++disks > MAX_DISKS) {
                throw new ArgumentException(Problem.DEVICE, "--block:" + e.name(), "the xen target attaches at most "
                        + MAX_DISKS + " disks (xvda to xvdp), not " + disks);
            }
            if (e.kind() == DeviceKind.NET_BASIC && !bound.containsKey("--net-mac:" + e.name())) {
                // the guest's address, drawn as libxl draws one; the host's end gets it too, so that
                // an AF_PACKET attachment lets the guest's frames through its unicast filter
                String mac = guestMac();
                bound.put("--net-mac:" + e.name(), mac);
                hostArgs.add("--net-mac:" + e.name() + "=" + mac);
            }
        }
        boolean done = false;
        try {
            int vifs = 0;
            int vbds = 0;
            if (entries.stream().anyMatch(e -> e.kind() == DeviceKind.NET_BASIC)) {
                // checks the net bindings as Solo5 does and attaches the host's ends
                host.bind(hostArgs);
            }
            for (int handle = 0; handle < entries.size(); handle++) {
                Manifest.Entry e = entries.get(handle);
                if (e.kind() == DeviceKind.BLOCK_BASIC) {
                    String option = "--block:" + e.name();
                    String path = bound.get(option);
                    if (path == null) {
                        throw new ArgumentException(Problem.DEVICE, option, "device '" + e.name()
                                + "' (BLOCK_BASIC) is not bound: give " + option + "=PATH");
                    }
                    devices.put(e.name(), BlockAttach.attach(this, e.name(), handle, option, path,
                            Toolstack.XVDA + 16 * vbds++));
                } else {
                    Device hostEnd = host.device(e.name()).orElseThrow();
                    devices.put(e.name(), NetAttach.attach(this, e.name(), handle, "--net:" + e.name(),
                            bound.get("--net:" + e.name()), hostEnd,
                            bound.get("--net-mac:" + e.name()), vifs++));
                }
            }
            if (vifs > 0) {
                bridge = Thread.ofPlatform().name("xen-host-net").daemon(true).start(this::bridgeHost);
            }
            done = true;
        } finally {
            if (!done) {
                close();
            }
        }
        return rest;
    }

    /** A unicast, locally unique address in Xen's OUI {@code 00:16:3e}. */
    private String guestMac() {
        byte[] b = new byte[3];
        host.entropy().nextBytes(b);
        return String.format(java.util.Locale.ROOT, "00:16:3e:%02x:%02x:%02x", b[0] & 0x7f, b[1] & 0xff, b[2] & 0xff);
    }

    /** The host side of the bridges: Solo5's poller delivers the host's frames to the back ends. */
    private void bridgeHost() {
        while (!closed.get()) {
            host.yield(Long.MAX_VALUE);
        }
    }

    // ------------------------------------------------------------------ for the attachers

    FrontContext front() {
        return front;
    }

    BackContext back() {
        return back;
    }

    int guestDomid() {
        return guest.domid();
    }

    /** Runs {@code action} on domain 0's loop (toolstack writes, starting back ends) and waits. */
    void inDom0(Dom0Action action) throws ArgumentException {
        ArgumentException[] failed = new ArgumentException[1];
        loop0.run(() -> {
            try {
                action.run(toolstack);
            } catch (ArgumentException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    /** Work for domain 0. */
    interface Dom0Action {
        void run(Toolstack toolstack) throws ArgumentException;
    }

    /** Remembers a back end to close with the platform. */
    void backend(AutoCloseable b) {
        synchronized (backends) {
            backends.add(b);
        }
    }

    @Override
    public Optional<Device> device(String name) {
        return Optional.ofNullable(devices.get(name));
    }

    @Override
    public long yield(long deadlineNanos) {
        blocker.eventThreadIsCurrent();
        try {
            guest.await(deadlineNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        events.dispatch();
        // front ends delivered their input during the dispatch: nothing is left for the loop
        return 0;
    }

    @Override
    public void wake() {
        guest.wake();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Device d : devices.values()) {
            d.close();
        }
        devices.clear();
        // let xenconsoled copy what the guest wrote last, then stop domain 0's work
        try {
            loop0.run(() -> { });
            loop0.run(consoleBack::close);
            loop0.run(() -> {
                synchronized (backends) {
                    for (AutoCloseable b : backends) {
                        try {
                            b.close();
                        } catch (Exception e) {
                            // closing: nothing more to do
                        }
                    }
                    backends.clear();
                }
            });
        } finally {
            Thread t = bridge;
            if (t != null) {
                host.wake();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            host.close();
            loop0.close();
            xenstored.close();
            hv.close();
        }
    }

    /** Why a device could not be attached, as an argument error naming the option. */
    static ArgumentException failed(String option, String what, Exception e) {
        return new ArgumentException(Problem.DEVICE, option, what + ": " + e.getMessage());
    }
}
