package mirage.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MicroVM images ({@code -t virtio}) under QEMU: QEMU installed when the tests run as root (as
 * CI does), the image booted through its own launcher. Without /dev/kvm hardware
 * virtualization QEMU emulates (TCG): a boot takes seconds, so the limits here are minutes.
 */
final class Vm {
    /** A boot under TCG on a loaded 2-core machine: ~10 s; ten times that catches a hang. */
    static final Duration BOOT_LIMIT = Duration.ofMinutes(3);

    private Vm() {}

    /** Makes QEMU available: installs it as root, otherwise skips the calling test unless it is there. */
    static void requireQemu() {
        Mirage.Result id = Mirage.exec(List.of("id", "-u"), Duration.ofSeconds(10));
        if (id.out().strip().equals("0")) {
            Host.require("qemu-system-x86_64", "qemu-system-x86");
        } else {
            assumeTrue(onPath("qemu-system-x86_64"), "QEMU is not installed and installing it needs root (CI runs as root)");
        }
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Boots the microVM image {@code image} ({@code bin/NAME} its launcher) with {@code args}. */
    static Mirage.Result boot(Path image, String name, String... args) {
        return boot(image, name, Map.of(), args);
    }

    static Mirage.Result boot(Path image, String name, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(image.resolve("bin").resolve(name).toString()));
        command.addAll(List.of(args));
        return lf(Mirage.exec(command, env, BOOT_LIMIT));
    }

    /** The serial console ends lines with CR LF (the guest's tty); compare lines as the process target writes them. */
    static Mirage.Result lf(Mirage.Result r) {
        return new Mirage.Result(r.exit(), r.out().replace("\r\n", "\n"), r.err().replace("\r\n", "\n"));
    }
}
