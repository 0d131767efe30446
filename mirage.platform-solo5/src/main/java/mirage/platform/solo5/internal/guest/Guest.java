package mirage.platform.solo5.internal.guest;

import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mirage.platform.solo5.internal.host.HostException;
import mirage.platform.solo5.internal.host.Libc;
import mirage.platform.solo5.internal.net.PacketNetif;

/**
 * What the JVM does as PID 1 of a microVM image (target {@code virtio}), where nothing else
 * runs: the kernel starts {@code /bin/java} from the initramfs, and no init, shell or C program
 * prepares the system (docs/decisions/0035-virtio-target.md).
 *
 * <ul>
 *   <li>{@link #prepareDevices}: for an image with devices, mounts {@code devtmpfs} on
 *       {@code /dev} (the virtio disks' nodes appear there) and {@code proc} on {@code /proc},
 *       then loads the kernel modules the link step put in the initramfs, in the order it
 *       wrote to {@value #MODULE_ORDER} ({@code init_module}). An image without devices skips
 *       all of it: its boot makes no native call.</li>
 *   <li>{@link #exit}: reports the exit status on the second serial port ({@value #EXIT_PORT},
 *       a line {@code mirage-exit N}, which the launcher reads) and powers the machine off
 *       ({@code reboot(RB_POWER_OFF)}): PID 1 must never exit, the kernel would panic.</li>
 * </ul>
 *
 * The paths are those mirage.link's {@code Initramfs} writes.
 */
public final class Guest {
    /** Absolute paths of the kernel modules to load, one a line, in order. */
    public static final String MODULE_ORDER = "/mirage/module-order";
    /** Where the exit status goes: the guest's second serial port. */
    public static final String EXIT_PORT = "/dev/ttyS1";
    /** The status line's prefix. */
    public static final String EXIT_LINE = "mirage-exit ";

    /** The status port, opened before the sandbox closes the file system ({@link #openExitPort}); null until then. */
    private static volatile FileOutputStream exitPort;

    private Guest() {}

    /**
     * Opens {@value #EXIT_PORT} now, for {@link #exit} to write the status to once the sandbox
     * refuses every open. A guest without a second port (Firecracker) reports no status, as
     * before.
     */
    public static void openExitPort() {
        try {
            exitPort = new FileOutputStream(EXIT_PORT);
        } catch (IOException e) {
            // no second serial port: the status stays unreported
        }
    }

    /** Whether this JVM is the init process of a microVM. */
    public static boolean isInit() {
        return ProcessHandle.current().pid() == 1;
    }

    /**
     * Mounts {@code devtmpfs} and {@code proc}, loads the image's kernel modules and sets the
     * network cards {@code eth0} to {@code eth(nics-1)} up for the {@code AF_PACKET} binding
     * (which finishes the checksums and super-frames the guest kernel hands it, 0032). A file
     * system already mounted there and a module already loaded (or built in) are fine.
     *
     * @param nics how many network cards the manifest's {@code NET_BASIC} devices are
     * @throws IllegalStateException one line naming the mount, module or card that failed and the errno
     */
    public static void prepareDevices(int nics) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = InitCalls.errnoState(arena);
            mount(arena, errno, "devtmpfs", "/dev", "devtmpfs", InitCalls.MS_NOSUID | InitCalls.MS_NOEXEC);
            mount(arena, errno, "proc", "/proc", "proc", InitCalls.MS_NOSUID | InitCalls.MS_NODEV | InitCalls.MS_NOEXEC);
            Path order = Path.of(MODULE_ORDER);
            if (Files.exists(order)) {
                List<String> modules;
                try {
                    modules = Files.readAllLines(order, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + MODULE_ORDER + ": " + e.getMessage(), e);
                }
                MemorySegment noParams = arena.allocateFrom("");
                for (String module : modules) {
                    if (!module.isBlank()) {
                        load(arena, errno, module.strip(), noParams);
                    }
                }
            }
            if (nics > 0) {
                readyCards(nics);
            }
        }
    }

    /**
     * Sets {@code eth0}... up (the AF_PACKET binding takes an interface only when it is up, and
     * here nothing else would). Loads the net binding's classes, as binding the devices will.
     */
    private static void readyCards(int nics) {
        for (int i = 0; i < nics; i++) {
            String card = "eth" + i;
            try {
                PacketNetif.bringUp(card);
            } catch (HostException e) {
                throw new IllegalStateException("cannot set the network card " + card + " up: " + e.getMessage()
                        + (e.errno() == InitCalls.ENODEV ? " (the kernel found fewer virtio network cards than the manifest has NET_BASIC devices)" : ""), e);
            }
        }
    }

    private static void mount(Arena arena, MemorySegment errno, String source, String target, String type, long flags) {
        int rc = InitCalls.mount(errno, arena.allocateFrom(source), arena.allocateFrom(target), arena.allocateFrom(type), flags);
        if (rc != 0 && InitCalls.errno(errno) != InitCalls.EBUSY) {
            throw new IllegalStateException("cannot mount " + type + " on " + target + ": " + why(InitCalls.errno(errno)));
        }
    }

    private static void load(Arena arena, MemorySegment errno, String file, MemorySegment params) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the kernel module " + file + ": " + e.getMessage(), e);
        }
        MemorySegment image = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, image, ValueLayout.JAVA_BYTE, 0, bytes.length);
        if (InitCalls.initModule(errno, image, params) != 0 && InitCalls.errno(errno) != InitCalls.EEXIST) {
            throw new IllegalStateException("cannot load the kernel module " + file + ": " + why(InitCalls.errno(errno)));
        }
    }

    /** An errno as a name and the C library's text; links Libc's calls, on this failure path only. */
    private static String why(int errno) {
        return Libc.errnoName(errno) + " (" + Libc.strerror(errno) + ")";
    }

    /**
     * Ends the microVM: flushes the console, writes {@code mirage-exit STATUS} to
     * {@value #EXIT_PORT} (waiting until the port has sent it), and powers off. Outside a
     * microVM (not PID 1), {@code System.exit(status)}. Never returns.
     */
    public static void exit(int status) {
        if (!isInit()) {
            System.exit(status);
        }
        System.out.flush();
        System.err.flush();
        // closing the tty waits until the port has sent the line; a hypervisor without a
        // second port (Firecracker) gets no status
        FileOutputStream opened = exitPort;
        try (FileOutputStream port = opened != null ? opened : new FileOutputStream(EXIT_PORT)) {
            port.write((EXIT_LINE + status + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // no second serial port: the status stays unreported
        }
        InitCalls.powerOff();
        // reboot(2) refused: end PID 1, a kernel panic that reboots (panic=-1), which ends the VM
        Runtime.getRuntime().halt(status);
    }
}
