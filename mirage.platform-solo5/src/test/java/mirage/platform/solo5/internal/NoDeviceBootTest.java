package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.spi.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without devices the platform loads no native-access or network class (docs/decisions/0006,
 * 0015): checked in a fresh JVM with class-load logging.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NoDeviceBootTest {

    /** What a boot with no devices does with the platform. */
    public static void main(String[] args) throws Exception {
        try (Solo5Platform p = new Solo5Platform(Manifest.EMPTY)) {
            p.bind(List.of("--x=1"));
            p.wake();
            p.yield(p.monotonicNanos() + 1_000_000L);
            p.yield(p.monotonicNanos() + 1_000_000L);
            p.console().println("booted");
        }
    }

    @Test
    void noHostOrNetClassIsLoaded() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xshare:off", "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"),
                NoDeviceBootTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        assertTrue(out.contains("booted"), out);
        assertTrue(out.contains("mirage.platform.solo5.internal.Solo5Platform "), "the log lists classes");
        for (String line : out.lines().toList()) {
            assertFalse(line.contains("solo5.internal.host.") || line.contains("solo5.internal.net.")
                    || line.contains(" mirage.net.") || line.contains("java.lang.foreign.Linker"), line);
        }
    }
}
