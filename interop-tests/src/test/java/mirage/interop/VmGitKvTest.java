package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/gitkv as a microVM, its store on a virtio disk (a 64 MiB file on the host) and its
 * network card on a TAP in a network namespace: curl writes keys over HTTP; the VM is powered
 * off (QEMU stopped: the store flushes every commit, as a disk must survive a cut); booted again
 * on the same file, every value is there, and C git clones the store, sees every write as a
 * commit and finds it {@code fsck --full --strict} clean. Needs root; installs QEMU, curl and git.
 */
class VmGitKvTest {
    static final String TAP = "vmtapgitkv";
    static final String US = "10.86.0.2";

    @TempDir
    static Path work;

    @Test
    void writes_survive_a_power_off_and_git_clones_the_store_after_the_next_boot() throws Exception {
        Host.assumeRoot();
        Vm.requireQemu();
        Host.require("curl", "curl");
        Host.require("git", "git");
        Path image = Mirage.buildExample("gitkv", work, "-t", "virtio", "--storage=block");
        Path disk = work.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        try (Host.Netns ns = new Host.Netns("mirage-vmgitkv")) {
            ns.addTap(TAP);
            ns.exec("ip", "addr", "add", "10.86.0.1/24", "dev", TAP);
            ns.exec("ip", "link", "set", TAP, "up");
            Process gitkv = boot(ns, image, disk, work.resolve("gitkv-1.log"));
            for (int i = 0; i < 10; i++) {
                String id = GitKvImageTest.curl(ns, "-X", "PUT", "-H", "X-Author: Ann <ann@example.com>", "--data-binary",
                        "value " + i, "http://" + US + "/kv/dir/key" + i);
                assertTrue(id.matches("[0-9a-f]{40}\n"), id);
            }
            assertEquals("value 3", GitKvImageTest.curl(ns, "http://" + US + "/kv/dir/key3"));

            Host.Netns.stop(gitkv); // QEMU ends: the machine is off
            boot(ns, image, disk, work.resolve("gitkv-2.log"));
            for (int i = 0; i < 10; i++) {
                assertEquals("value " + i, GitKvImageTest.curl(ns, "http://" + US + "/kv/dir/key" + i));
            }
            Path clone = work.resolve("clone");
            ns.exec("git", "clone", "-q", "git://" + US + "/store", clone.toString());
            List<String> commits = GitKvImageTest.git(ns, clone, "log", "--format=%an <%ae> %s").lines().toList();
            assertEquals(10, commits.size(), commits.toString());
            assertEquals("Ann <ann@example.com> PUT /dir/key9", commits.get(0));
            assertEquals("value 9", Files.readString(clone.resolve("dir/key9")));
            GitKvImageTest.git(ns, clone, "fsck", "--full", "--strict");
        }
    }

    static Process boot(Host.Netns ns, Path image, Path disk, Path log) throws InterruptedException {
        Process p = ns.start(log, image.resolve("bin/gitkv").toString(), "--net:service=" + TAP, "--ipv4=" + US + "/24",
                "--block:storage=" + disk);
        Host.Netns.awaitLine(log, "gitkv: HTTP on port 80", p, Vm.BOOT_LIMIT);
        return p;
    }
}
