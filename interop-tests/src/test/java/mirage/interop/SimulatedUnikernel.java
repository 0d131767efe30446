package mirage.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.core.ArgumentException;
import mirage.core.RuntimeArg;
import mirage.core.spi.Boot;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.core.spi.ManifestException;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvRo;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.time.Simulation;

/**
 * A unikernel as {@code ./mirage build} links it, booted under a {@link Simulation} (issue 19
 * item 5, docs/decisions/0062): the linked module ({@code _build/module}: the unikernel's classes,
 * the generated boot class and any packed store) loaded beside the test's libraries, the
 * manifest configure wrote ({@code _build/manifest}), and the boot class's own
 * {@code arguments()} and {@code start(Boot.Context)}: the device graph the generator fixed,
 * evaluated against a simulated platform. Nothing of the unikernel is called by hand.
 *
 * <p>{@link Devices} is the simulation's tender: {@code --net:NAME=LAN} binds a port (MTU 1500)
 * of the simulated network {@code LAN}, {@code --block:NAME=DISK} the memory disk {@code DISK} (which
 * outlives a unikernel: power off, boot again on it), {@code --kv:NAME=STORE} the in-memory
 * read-only store {@code STORE}.
 */
final class SimulatedUnikernel {
    private final String name;
    private final Manifest manifest;
    private final Class<?> bootClass;
    private final List<RuntimeArg<?>> arguments;

    private SimulatedUnikernel(String name, Manifest manifest, Class<?> bootClass, List<RuntimeArg<?>> arguments) {
        this.name = name;
        this.manifest = manifest;
        this.bootClass = bootClass;
        this.arguments = arguments;
    }

    /**
     * Builds examples/{@code example} under {@code work} with {@code ./mirage build} and the
     * configure {@code keys}, then loads its linked module: what the image would run, minus
     * the platform the boot class's {@code main} would make.
     */
    static SimulatedUnikernel build(String example, Path work, String... keys) throws IOException {
        Mirage.buildExample(example, work, keys);
        return load(work.resolve(example).resolve("_build"));
    }

    /** Loads the linked module of the build directory {@code build} ({@code DIR/_build}). */
    @SuppressWarnings("unchecked")
    static SimulatedUnikernel load(Path build) throws IOException {
        String plan = Files.readString(build.resolve("boot-plan"), StandardCharsets.UTF_8);
        Manifest manifest;
        try {
            manifest = Manifest.parse(Files.readString(build.resolve("manifest"), StandardCharsets.UTF_8));
        } catch (ManifestException e) {
            throw new IOException(e);
        }
        ClassLoader loader = new LinkedModuleLoader(build.resolve("module"), SimulatedUnikernel.class.getClassLoader());
        try {
            Class<?> boot = Class.forName(planField(plan, "boot"), true, loader);
            if (boot.getClassLoader() != loader) {
                throw new IllegalStateException(boot + " was not loaded from the linked module");
            }
            List<RuntimeArg<?>> args = (List<RuntimeArg<?>>) boot.getMethod("arguments").invoke(null);
            return new SimulatedUnikernel(planField(plan, "name"), manifest, boot, args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the linked module's boot class: " + e, e);
        }
    }

    private static String planField(String plan, String field) {
        return plan.lines().filter(l -> l.startsWith(field + "\t")).map(l -> l.substring(field.length() + 1)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the boot plan has no " + field + ":\n" + plan));
    }

    String name() {
        return name;
    }

    Manifest manifest() {
        return manifest;
    }

    /**
     * Boots a fresh instance of the boot class in {@code sim} as host {@code host}, its devices
     * bound by {@code devices} from {@code argv} (the image's boot command line).
     */
    Simulation.Task boot(Simulation sim, String host, Devices devices, String... argv) throws ArgumentException {
        Boot.Entry entry;
        try {
            entry = (Boot.Entry) bootClass.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return sim.boot(host, manifest, devices, entry, arguments, argv);
    }

    /**
     * Loads the classes of the linked module itself (its own copy of the unikernel's classes,
     * the boot class, a packed store) before the parent's, which has the libraries: the test's
     * class path also holds the example's jar from the reactor.
     */
    private static final class LinkedModuleLoader extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        LinkedModuleLoader(Path module, ClassLoader parent) {
            super(new URL[] {url(module)}, parent);
        }

        private static URL url(Path module) {
            try {
                return module.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(className)) {
                Class<?> c = findLoadedClass(className);
                if (c == null && findResource(className.replace('.', '/') + ".class") != null) {
                    c = findClass(className);
                }
                if (c == null) {
                    return super.loadClass(className, resolve);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    /**
     * The simulation's tender: what a boot argument's value names. Networks, disks and stores
     * are added by the test; a disk lives as long as the test keeps it, across boots.
     */
    static final class Devices implements Simulation.Binder {
        private final Map<String, SimulatedLan> networks = new HashMap<>();
        private final Map<String, Block> disks = new HashMap<>();
        private final Map<String, KvRo> stores = new HashMap<>();
        private final Manifest manifest;
        private final int hostNumber;

        /**
         * @param manifest the unikernel's, for device handles
         * @param hostNumber the last byte of the MAC addresses given to this host's interfaces
         */
        Devices(Manifest manifest, int hostNumber) {
            this.manifest = manifest;
            this.hostNumber = hostNumber;
        }

        Devices network(String lan, SimulatedLan network) {
            networks.put(lan, network);
            return this;
        }

        Devices disk(String disk, Block block) {
            disks.put(disk, block);
            return this;
        }

        Devices store(String store, KvRo kv) {
            stores.put(store, kv);
            return this;
        }

        @Override
        public Device bind(Manifest.Entry entry, String value) throws ArgumentException {
            int handle = manifest.devices().indexOf(entry);
            switch (entry.kind()) {
                case NET_BASIC -> {
                    SimulatedLan lan = networks.get(value);
                    if (lan == null) {
                        throw refused(entry, value, "no simulated network");
                    }
                    MacAddress mac = MacAddress.parse(String.format("02:00:00:00:%02x:%02x", handle, hostNumber));
                    return new NetDevice(entry.name(), handle, lan.attach(entry.name(), mac));
                }
                case BLOCK_BASIC -> {
                    Block disk = disks.get(value);
                    if (disk == null) {
                        throw refused(entry, value, "no memory disk");
                    }
                    return new BlockDevice(entry.name(), handle, disk);
                }
                case KV_RO -> {
                    KvRo kv = stores.get(value);
                    if (kv == null) {
                        throw refused(entry, value, "no store");
                    }
                    return new KvDevice(entry.name(), handle, kv);
                }
            }
            throw new IllegalStateException(entry.kind().toString());
        }

        private static ArgumentException refused(Manifest.Entry entry, String value, String what) {
            return new ArgumentException(ArgumentException.Problem.DEVICE, "--" + entry.kind().option() + ":" + entry.name()
                    + "=" + value, what + " named '" + value + "' in this simulation");
        }
    }

    /** A store of {@code files} (name to bytes), as a directory bound with {@code --kv:} is read. */
    static KvRo store(Map<String, byte[]> files, Instant modified) {
        Map<Key, byte[]> values = new HashMap<>();
        files.forEach((k, v) -> values.put(Key.parse(k), v));
        return KvRo.of(values, modified);
    }

    /** A port of a simulated network as a {@code NET_BASIC} device. */
    private record NetDevice(String name, int handle, Netif port) implements Netif, Device {
        @Override
        public DeviceKind kind() {
            return DeviceKind.NET_BASIC;
        }

        @Override
        public MacAddress mac() {
            return port.mac();
        }

        @Override
        public int mtu() {
            return port.mtu();
        }

        @Override
        public void send(ByteBuffer frame) throws NetException {
            port.send(frame);
        }

        @Override
        public void listen(FrameReceiver receiver) {
            port.listen(receiver);
        }

        @Override
        public Stats stats() {
            return port.stats();
        }

        @Override
        public Optional<TcpSegmentation> tcpSegmentation() {
            return port.tcpSegmentation();
        }

        @Override
        public void close() {
            port.close();
        }
    }

    /**
     * A memory disk as a {@code BLOCK_BASIC} device. Closing detaches the device, not the disk:
     * a later boot binds the same bytes.
     */
    private record BlockDevice(String name, int handle, Block disk) implements Block, Device {
        @Override
        public DeviceKind kind() {
            return DeviceKind.BLOCK_BASIC;
        }

        @Override
        public Info info() {
            return disk.info();
        }

        @Override
        public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
            disk.read(sectorOffset, buffers);
        }

        @Override
        public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
            disk.write(sectorOffset, buffers);
        }

        @Override
        public void flush() throws BlockException {
            disk.flush();
        }

        @Override
        public void discard(long sectorOffset, long sectors) throws BlockException {
            disk.discard(sectorOffset, sectors);
        }

        @Override
        public void close() {
            // the disk is the test's, as a host file is the tender's
        }
    }

    /** An in-memory store as a {@code KV_RO} device. */
    private record KvDevice(String name, int handle, KvRo kv) implements KvRo, Device {
        @Override
        public DeviceKind kind() {
            return DeviceKind.KV_RO;
        }

        @Override
        public Optional<Kind> exists(Key key) throws KvException {
            return kv.exists(key);
        }

        @Override
        public byte[] get(Key key) throws KvException {
            return kv.get(key);
        }

        @Override
        public byte[] getPartial(Key key, long offset, int length) throws KvException {
            return kv.getPartial(key, offset, length);
        }

        @Override
        public List<Entry> list(Key key) throws KvException {
            return kv.list(key);
        }

        @Override
        public Instant lastModified(Key key) throws KvException {
            return kv.lastModified(key);
        }

        @Override
        public byte[] digest(Key key) throws KvException {
            return kv.digest(key);
        }

        @Override
        public long size(Key key) throws KvException {
            return kv.size(key);
        }

        @Override
        public void close() {
            // the store is the test's
        }
    }
}
