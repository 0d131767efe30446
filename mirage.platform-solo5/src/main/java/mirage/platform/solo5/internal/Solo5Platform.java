package mirage.platform.solo5.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.internal.text.Printable;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.core.spi.ManifestException;
import mirage.core.spi.Platform;
import mirage.platform.solo5.Solo5;
import mirage.platform.solo5.internal.block.BlockBinder;
import mirage.platform.solo5.internal.guest.Guest;
import mirage.platform.solo5.internal.host.HostPoller;
import mirage.platform.solo5.internal.kv.KvBinder;
import mirage.platform.solo5.internal.net.NetBinder;
import mirage.platform.solo5.internal.sandbox.Sandbox;
import mirage.platform.solo5.internal.sandbox.SyscallPolicy;

/**
 * Solo5 as a Linux process: console on standard output, the host's clocks, the kernel's
 * random source, and {@code yield}.
 *
 * <p>Device bindings are parsed and checked against the manifest as Solo5's tenders do.
 * {@code NET_BASIC} devices are attached to a TAP interface ({@code --net:NAME=IFACE}), an
 * existing Ethernet interface through AF_PACKET ({@code --net:NAME=if:IFACE}) or a framed
 * stream socket ({@code --net:NAME=unix:PATH}); {@code BLOCK_BASIC} devices to an
 * existing file or raw disk of 512-byte sectors ({@code --block:NAME=PATH}), as solo5-hvt does;
 * {@code KV_RO} devices to a directory or tar file ({@code --kv:NAME=PATH}), read whole into
 * memory while bound.
 *
 * <p>Once every device is bound, an image's platform ({@link #fromImage}, {@link #guest})
 * confines the process before {@code bind} returns, and so before the unikernel's {@code start}:
 * no_new_privs, a deny-all Landlock ruleset and a seccomp allow-list on every thread
 * ({@code internal.sandbox}, docs/decisions/0057); {@code --sandbox=off} boots without it and
 * says so on standard error. A platform made with the constructor is unconfined unless given
 * {@code --sandbox=on}.
 *
 * <p>{@code yield}: with no device bound, a timed park of the loop thread (no native code at
 * boot, docs/decisions/0006); with devices, a {@code ppoll} on their descriptors and an
 * eventfd for {@link #wake}, which delivers ready devices' frames on the loop thread before
 * returning their handles (docs/decisions/0015).
 */
public final class Solo5Platform implements Platform {
    private final Manifest manifest;
    private final long origin = System.nanoTime();
    private final Clock wall = Clock.systemUTC();
    private final Console console;
    private final Entropy entropy;
    private final AtomicBoolean woken = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread yielder;
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final NetAttacher attacher;
    /** Set by {@link #bind} when devices are attached: {@link #yield} then polls them. */
    private volatile HostPoller poller;
    /** Whether {@link #bind} confines the process unless told {@code --sandbox=off}: an image's platform does. */
    private boolean sandboxByDefault;

    public Solo5Platform(Manifest manifest) {
        this(manifest, null);
    }

    /** @param attacher attaches NET_BASIC devices; null for the host's */
    Solo5Platform(Manifest manifest, NetAttacher attacher) {
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.console = new StdoutConsole(System.out);
        this.entropy = new HostEntropy();
        this.attacher = attacher;
    }

    /**
     * The sandbox's downcall, being linked since {@link #begin}; taken (once) by the first
     * image platform's {@link #bind} that confines.
     */
    private static final AtomicReference<Sandbox.Link> EARLY_LINK = new AtomicReference<>();

    /**
     * Starts linking the sandbox's downcall now, at the boot class's first statement, unless
     * {@code argv} holds {@code --sandbox=off} before any {@code --}: {@link #bind} reads the
     * same option and, for an image's platform that confines, takes this link instead of
     * starting its own (docs/decisions/0080). The link then overlaps the platform's making
     * (the manifest read, the file system's start) as well as the binding. A malformed or
     * repeated option is refused by {@code bind}, as before; a link started for a boot that
     * then stops is a daemon thread that ends by itself.
     */
    public static void begin(String[] argv) {
        for (String element : argv) {
            if (element.equals("--")) {
                break;
            }
            if (element.equals(SANDBOX + "=off")) {
                return;
            }
        }
        if (EARLY_LINK.get() == null) {
            EARLY_LINK.compareAndSet(null, Sandbox.link());
        }
    }

    /** The link {@link #begin} started, once; null if it started none or it was taken. */
    static Sandbox.Link takeEarlyLink() {
        return EARLY_LINK.getAndSet(null);
    }

    /** The platform of the running image, its manifest read from under {@code java.home}. */
    public static Solo5Platform fromImage() {
        Path file = Path.of(System.getProperty("java.home"), Solo5.IMAGE_MANIFEST);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the device manifest " + file + ": " + e.getMessage(), e);
        }
        try {
            Solo5Platform p = new Solo5Platform(Manifest.parse(text));
            p.sandboxByDefault = true;
            return p;
        } catch (ManifestException e) {
            throw new IllegalStateException("malformed device manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The platform of a running microVM image: {@link #fromImage()}, after readying the guest
     * for the manifest's devices when this JVM is its PID 1 (an image without devices makes
     * no native call at boot).
     */
    public static Solo5Platform guest() {
        Solo5Platform p = fromImage();
        if (!p.manifest.devices().isEmpty() && Guest.isInit()) {
            int nics = 0;
            for (Manifest.Entry e : p.manifest.devices()) {
                if (e.kind() == DeviceKind.NET_BASIC) {
                    nics++;
                }
            }
            Guest.prepareDevices(nics);
        }
        return p;
    }

    @Override
    public String name() {
        return Solo5.TARGET;
    }

    @Override
    public Console console() {
        return console;
    }

    @Override
    public Entropy entropy() {
        return entropy;
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime() - origin;
    }

    @Override
    public long wallClockNanos() {
        Instant now = wall.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public List<String> bind(List<String> argv) throws ArgumentException {
        Map<String, String> bound = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        boolean ended = false;
        String sandbox = null;
        for (String element : argv) {
            if (!ended && element.startsWith(SANDBOX + "=")) {
                if (sandbox != null) {
                    throw new ArgumentException(Problem.REPEATED, SANDBOX, SANDBOX + " given more than once");
                }
                sandbox = element.substring(SANDBOX.length() + 1);
                if (!sandbox.equals("on") && !sandbox.equals("off") && !sandbox.equals(TRAIN)) {
                    throw new ArgumentException(Problem.MALFORMED, SANDBOX,
                            "malformed " + SANDBOX + "=" + Binding.printable(sandbox) + ": expected " + SANDBOX + "=on or " + SANDBOX + "=off");
                }
                continue;
            }
            if (ended || !isBinding(element)) {
                ended |= element.equals("--");
                rest.add(element);
                continue;
            }
            Binding b = Binding.parse(element);
            Manifest.Entry entry = manifest.device(b.device())
                    .orElseThrow(() -> new ArgumentException(Problem.DEVICE, b.option(),
                            "unknown device '" + Binding.printable(b.device()) + "' in " + b.option() + ": " + listed()));
            if (entry.kind() != b.kind()) {
                throw new ArgumentException(Problem.DEVICE, b.option(),
                        "device '" + b.device() + "' is " + entry.kind() + ", not " + b.kind() + " as " + b.option() + " says");
            }
            if (bound.putIfAbsent(b.option(), b.value()) != null) {
                throw new ArgumentException(Problem.REPEATED, b.option(), b.option() + " given more than once");
            }
        }
        for (Manifest.Entry entry : manifest.devices()) {
            String option = "--" + entry.kind().option() + ":" + entry.name();
            if (!bound.containsKey(option)) {
                String forms = switch (entry.kind()) {
                    case NET_BASIC -> option + "=TAP, " + option + "=if:IFACE or " + option + "=unix:PATH";
                    case BLOCK_BASIC -> option + "=PATH";
                    case KV_RO -> option + "=DIR or " + option + "=FILE.tar";
                };
                throw new ArgumentException(Problem.DEVICE, option, "device '" + entry.name() + "' (" + entry.kind()
                        + ") is not bound: give " + forms);
            }
        }
        boolean confine = sandbox == null ? sandboxByDefault : !sandbox.equals("off");
        // the sandbox's downcall is linked on a thread of its own meanwhile (docs/decisions/0073),
        // since the boot class's first statement when that began it (0080)
        Sandbox.Link link = null;
        if (confine) {
            link = sandboxByDefault ? takeEarlyLink() : null;
            if (link == null) {
                link = Sandbox.link();
            }
        }
        // Every device is bound as the manifest asks: attach block devices (files), then
        // network devices (which start the poller); on failure release what was attached.
        boolean done = false;
        try {
            attachKvs(bound);
            attachBlocks(bound);
            // a loop, not a stream with a lambda, on the boot path (0006): the stream's first use
            // initializes its flags through an EnumMap, whose key universe is read by reflection
            // (method-handle classes spun at boot; docs/decisions/0080)
            boolean nets = false;
            for (Manifest.Entry e : manifest.devices()) {
                nets |= e.kind() == DeviceKind.NET_BASIC;
            }
            if (nets) {
                attachNets(bound);
            }
            done = true;
        } finally {
            if (!done) {
                for (Device d : devices.values()) {
                    d.close();
                }
                devices.clear();
            }
        }
        if (confine) {
            try {
                confine(link, !TRAIN.equals(sandbox));
            } catch (IllegalStateException e) {
                close();
                throw new ArgumentException(Problem.DEVICE, SANDBOX, "cannot install the sandbox: " + e.getMessage()
                        + " (" + SANDBOX + "=off boots without it)");
            }
        } else if (sandboxByDefault) {
            System.err.println("mirage: sandbox off (" + SANDBOX + "=off): no seccomp filter, no Landlock, every right of the"
                    + " user who started it; for debugging only");
        }
        return rest;
    }

    /**
     * Confines the process now that every device is bound (docs/decisions/0057-sandbox.md):
     * what must be open afterwards is opened first (the entropy source, a microVM's status
     * port), then {@link Sandbox#install}. A kernel without Landlock gets one line on standard
     * error: the seccomp filter still applies.
     *
     * <p>With {@code enforce} false ({@code --sandbox=train}, the link tool's AOT training run,
     * docs/decisions/0059) all of that but the irrevocable calls ({@link Sandbox#prepare}), and
     * one line on standard error saying so.
     *
     * @param link the {@code syscall(2)} downcall being linked since the arguments were read
     * @throws IllegalStateException if the sandbox cannot be installed (one line); boot stops
     */
    private void confine(Sandbox.Link link, boolean enforce) {
        entropy.nextBytes(new byte[1]);
        boolean init = Guest.isInit();
        if (init) {
            Guest.openExitPort();
        }
        SyscallPolicy.Needs needs = new SyscallPolicy.Needs(Boolean.getBoolean(HOST_SOCKETS), init,
                ProcessHandle.current().pid());
        Sandbox.Outcome outcome = enforce ? Sandbox.install(needs, link) : Sandbox.prepare(needs, link);
        if (!enforce) {
            System.err.println("mirage: sandbox prepared, not installed (" + SANDBOX + "=" + TRAIN
                    + "): for the link tool's AOT training run only");
        } else if (outcome.landlockAbi() == 0) {
            System.err.println("mirage: sandbox: this kernel has no Landlock; the seccomp filter alone closes the file system");
        }
    }

    /** Attaches the manifest's BLOCK_BASIC devices to their files. */
    private void attachBlocks(Map<String, String> bound) throws ArgumentException {
        List<Manifest.Entry> entries = manifest.devices();
        for (int handle = 0; handle < entries.size(); handle++) {
            Manifest.Entry entry = entries.get(handle);
            if (entry.kind() != DeviceKind.BLOCK_BASIC) {
                continue;
            }
            String option = "--block:" + entry.name();
            requireModule("mirage.block", option, "BLOCK_BASIC");
            // BlockBinder, and with it mirage.block, is loaded here and only here
            devices.put(entry.name(), BlockBinder.attach(entry.name(), handle, option, bound.get(option)));
        }
    }

    /** Reads the manifest's KV_RO devices into memory from their directories or tar files. */
    private void attachKvs(Map<String, String> bound) throws ArgumentException {
        List<Manifest.Entry> entries = manifest.devices();
        for (int handle = 0; handle < entries.size(); handle++) {
            Manifest.Entry entry = entries.get(handle);
            if (entry.kind() != DeviceKind.KV_RO) {
                continue;
            }
            String option = "--kv:" + entry.name();
            requireModule("mirage.block", option, "KV_RO");
            // KvBinder, and with it mirage.kv and mirage.block, is loaded here and only here
            devices.put(entry.name(), KvBinder.attach(entry.name(), handle, option, bound.get(option)));
        }
    }

    /** Refuses to bind a device whose module the image lacks. */
    private static void requireModule(String module, String option, String kind) throws ArgumentException {
        Module self = Solo5Platform.class.getModule();
        if (self.isNamed() && (self.getLayer() == null || self.getLayer().findModule(module).isEmpty())) {
            throw new ArgumentException(Problem.DEVICE, option,
                    kind + " devices need module " + module + ", which this image does not hold");
        }
    }

    /** Attaches the manifest's NET_BASIC devices; on failure releases what was attached. */
    private void attachNets(Map<String, String> bound) throws ArgumentException {
        List<Manifest.Entry> nets = manifest.devices().stream().filter(e -> e.kind() == DeviceKind.NET_BASIC).toList();
        String first = "--net:" + nets.get(0).name();
        requireModule("mirage.net", first, "NET_BASIC");
        HostPoller p = HostPoller.openFor(first);
        boolean done = false;
        try {
            List<Manifest.Entry> entries = manifest.devices();
            for (int handle = 0; handle < entries.size(); handle++) {
                Manifest.Entry entry = entries.get(handle);
                if (entry.kind() != DeviceKind.NET_BASIC) {
                    continue;
                }
                String option = "--net:" + entry.name();
                String value = bound.get(option);
                String mac = bound.get("--net-mac:" + entry.name());
                String mtu = bound.get("--net-mtu:" + entry.name());
                // NetBinder, and with it mirage.net, is loaded here and only here
                Device d = attacher != null
                        ? attacher.attach(entry.name(), handle, option, value, mac, mtu, entropy, p, console)
                        : NetBinder.attach(entry.name(), handle, option, value, mac, mtu, entropy, p, console);
                devices.put(entry.name(), d);
            }
            done = true;
        } finally {
            if (!done) {
                for (Device d : devices.values()) {
                    d.close(); // before the poller they are registered with
                }
                devices.clear();
                p.close();
            }
        }
        poller = p;
        if (woken.getAndSet(false)) {
            p.wake();
        }
    }

    /** Attaches one NET_BASIC device instead of the host's {@code NetBinder}: for tests. */
    interface NetAttacher {
        Device attach(String name, int handle, String option, String value, String mac, String mtu, Entropy entropy,
                HostPoller poller, Console console) throws ArgumentException;
    }

    private String listed() {
        if (manifest.devices().isEmpty()) {
            return "this unikernel has no devices";
        }
        StringBuilder b = new StringBuilder("the manifest lists");
        for (Manifest.Entry e : manifest.devices()) {
            b.append(' ').append(e.name()).append(" (").append(e.kind()).append(')');
        }
        return b.toString();
    }

    /** The option that turns the sandbox off ({@code --sandbox=off}) or on. */
    static final String SANDBOX = "--sandbox";

    /**
     * {@code --sandbox=train}: the link tool's AOT training run prepares the sandbox (loads,
     * links and runs all of it) without its irrevocable calls, so that the image's cache holds
     * what installing it loads (docs/decisions/0059). Not for users: the process is unconfined.
     */
    static final String TRAIN = "train";

    /**
     * The system property ({@code true}) that the link step sets in an image whose unikernel
     * uses the host-socket stack: the sandbox then allows {@code AF_INET}/{@code AF_INET6}
     * sockets.
     */
    public static final String HOST_SOCKETS = "mirage.sandbox.hostSockets";

    static boolean isBinding(String element) {
        return element.startsWith("--net:") || element.startsWith("--block:") || element.startsWith("--kv:")
                || element.startsWith("--net-mac:")
                || element.startsWith("--net-mtu:");
    }

    @Override
    public Optional<Device> device(String name) {
        return Optional.ofNullable(devices.get(name));
    }

    @Override
    public long yield(long deadlineNanos) {
        HostPoller p = poller;
        if (p != null) {
            long timeout = Long.MAX_VALUE;
            if (deadlineNanos != Long.MAX_VALUE) {
                long now = monotonicNanos();
                timeout = deadlineNanos <= now ? 0 : deadlineNanos - now;
            }
            return p.await(timeout);
        }
        yielder = Thread.currentThread();
        try {
            while (!woken.getAndSet(false)) {
                long remaining = Long.MAX_VALUE;
                if (deadlineNanos != Long.MAX_VALUE) {
                    // compare, not subtract: deadline - now wraps for deadlines far in the past
                    long now = monotonicNanos();
                    if (deadlineNanos <= now) {
                        break;
                    }
                    remaining = deadlineNanos - now;
                }
                LockSupport.parkNanos(this, remaining);
            }
            return 0L;
        } finally {
            yielder = null;
        }
    }

    @Override
    public void wake() {
        HostPoller p = poller;
        if (p != null) {
            p.wake();
            return;
        }
        woken.set(true);
        Thread t = yielder;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Device d : devices.values()) {
                d.close();
            }
            devices.clear();
            HostPoller p = poller;
            if (p != null) {
                p.close();
            }
            System.out.flush();
        }
    }

    /** A device-binding option, {@code --KIND:NAME=VALUE}. */
    record Binding(String option, DeviceKind kind, String device, String value) {
        static Binding parse(String element) throws ArgumentException {
            int colon = element.indexOf(':');
            String word = element.substring(2, colon);
            DeviceKind kind = switch (word) {
                case "block" -> DeviceKind.BLOCK_BASIC;
                case "kv" -> DeviceKind.KV_RO;
                default -> DeviceKind.NET_BASIC;
            };
            int eq = element.indexOf('=', colon);
            String option = eq < 0 ? element : element.substring(0, eq);
            String name = element.substring(colon + 1, eq < 0 ? element.length() : eq);
            if (eq < 0 || eq == element.length() - 1 || name.isEmpty()) {
                throw new ArgumentException(Problem.MALFORMED, printable(option),
                        "malformed device binding '" + printable(element) + "': expected --" + word + ":NAME=VALUE");
            }
            return new Binding(printable(option), kind, name, element.substring(eq + 1));
        }

        private static String printable(String s) {
            return Printable.of(s, 80);
        }
    }

    private static final class StdoutConsole implements Console {
        private final PrintStream out;

        StdoutConsole(PrintStream out) {
            this.out = out;
        }

        @Override
        public void println(String line) {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }
    }

    /**
     * The kernel's random source, {@code /dev/urandom}, opened on first use (most unikernels
     * never draw from it at boot; a sandboxed one draws a byte before the sandbox so that it
     * is open after): read directly, a seed source for the unikernel's DRBG (0008), without the
     * JCA's provider framework that a {@code SecureRandom} would initialize at boot (0059).
     * Where {@code /dev/urandom} cannot be opened, the JDK's default {@code SecureRandom}.
     * Thread-safe: draws are serialized.
     */
    private static final class HostEntropy implements Entropy {
        private static final String SOURCE = "/dev/urandom";
        private FileInputStream urandom;
        private SecureRandom fallback;

        @Override
        public synchronized void nextBytes(byte[] dst) {
            if (urandom == null && fallback == null) {
                try {
                    urandom = new FileInputStream(SOURCE);
                } catch (IOException e) {
                    fallback = new SecureRandom();
                }
            }
            if (fallback != null) {
                fallback.nextBytes(dst);
                return;
            }
            try {
                int n = 0;
                while (n < dst.length) {
                    int r = urandom.read(dst, n, dst.length - n);
                    if (r < 0) {
                        throw new IOException("end of file");
                    }
                    n += r;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + SOURCE + ": " + e.getMessage(), e);
            }
        }
    }
}
