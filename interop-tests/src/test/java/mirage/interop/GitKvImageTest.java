package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/gitkv's image, its store on a block device ({@code --storage=block}, a 64 MiB file
 * bound with {@code --block:storage=PATH}), on a TAP in a network namespace: curl writes keys
 * over HTTP (one commit each, authors from {@code X-Author}); C git clones the store from
 * {@code git://ADDR/store} and sees every write as a commit, {@code git fsck --full} clean;
 * a push from git is read back over HTTP; after the unikernel is stopped and booted again on
 * the same device, every value and commit is there, and git's fetch finds nothing new. Needs
 * root; installs curl and git if missing.
 */
class GitKvImageTest {
    static final String TAP = "tapgitkv";
    static final String US = "10.82.0.2";

    @TempDir
    static Path work;

    @Test
    void putsAreCommitsThatGitClones_pushesAreValues_andTheBlockDeviceKeepsThemAcrossABoot() throws Exception {
        Host.assumeRoot();
        Host.require("curl", "curl");
        Host.require("git", "git");
        Path image = Mirage.buildExample("gitkv", work, "--storage=block");
        Path disk = work.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(64L << 20);
        }

        try (Host.Netns ns = new Host.Netns("mirage-gitkv")) {
            // a persistent TAP: it outlives the first boot, for the second
            ns.addTap(TAP);
            ns.exec("ip", "addr", "add", "10.82.0.1/24", "dev", TAP);
            ns.exec("ip", "link", "set", TAP, "up");
            Process gitkv = boot(ns, image, disk, work.resolve("gitkv-1.log"));

            // 20 writes by two authors, one delete: 21 commits
            for (int i = 0; i < 20; i++) {
                String author = i % 2 == 0 ? "Ann <ann@example.com>" : "Bob <bob@example.com>";
                String id = curl(ns, "-X", "PUT", "-H", "X-Author: " + author, "--data-binary", "value " + i,
                        "http://" + US + "/kv/dir/key" + i);
                assertTrue(id.matches("[0-9a-f]{40}\n"), id);
            }
            curl(ns, "-X", "DELETE", "http://" + US + "/kv/dir/key19");
            assertEquals("value 7", curl(ns, "http://" + US + "/kv/dir/key7"));
            assertEquals("404", curl(ns, "-o", "/dev/null", "-w", "%{http_code}", "http://" + US + "/kv/dir/key19"));
            String log = curl(ns, "http://" + US + "/log");
            assertEquals(21, log.split("\"id\"", -1).length - 1, log);
            assertTrue(log.contains("\"author\": \"Bob\", \"email\": \"bob@example.com\", \"message\": \"PUT /dir/key1\""), log);

            // C git clones it: every write a commit, in order, fsck-clean
            Path clone = work.resolve("clone");
            ns.exec("git", "clone", "-q", "git://" + US + "/store", clone.toString());
            List<String> commits = git(ns, clone, "log", "--format=%an <%ae> %s").lines().toList();
            assertEquals(21, commits.size(), commits.toString());
            assertEquals("gitkv <gitkv@localhost> DELETE /dir/key19", commits.get(0));
            assertEquals("Ann <ann@example.com> PUT /dir/key0", commits.get(20));
            assertEquals("value 18", Files.readString(clone.resolve("dir/key18")));
            assertTrue(Files.notExists(clone.resolve("dir/key19")));
            git(ns, clone, "fsck", "--full", "--strict");

            // a push from git is a value over HTTP
            Files.writeString(clone.resolve("dir/pushed"), "from git");
            git(ns, clone, "add", "dir/pushed");
            git(ns, clone, "-c", "user.name=Cy", "-c", "user.email=cy@example.com", "commit", "-q", "-m", "pushed by git");
            git(ns, clone, "push", "-q", "origin", "main");
            assertEquals("from git", curl(ns, "http://" + US + "/kv/dir/pushed"));
            String head = git(ns, clone, "rev-parse", "HEAD").strip();

            // stopped and booted again on the same device: everything is still there
            Host.Netns.stop(gitkv);
            boot(ns, image, disk, work.resolve("gitkv-2.log"));
            assertEquals("value 0", curl(ns, "http://" + US + "/kv/dir/key0"));
            assertEquals("from git", curl(ns, "http://" + US + "/kv/dir/pushed"));
            assertEquals(22, curl(ns, "http://" + US + "/log").split("\"id\"", -1).length - 1);
            git(ns, clone, "fetch", "-q", "origin");
            assertEquals(head, git(ns, clone, "rev-parse", "origin/main").strip());
            curl(ns, "-X", "PUT", "--data-binary", "after boot", "http://" + US + "/kv/dir/key0");
            git(ns, clone, "pull", "-q", "--ff-only", "origin", "main");
            assertEquals("after boot", Files.readString(clone.resolve("dir/key0")));
            git(ns, clone, "fsck", "--full", "--strict");
        }
    }

    /** Boots the image on the TAP and the device; returns once it serves. */
    static Process boot(Host.Netns ns, Path image, Path disk, Path log) throws InterruptedException {
        Process p = ns.start(log, image.resolve("bin/gitkv").toString(), "--net:service=" + TAP, "--ipv4=" + US + "/24",
                "--block:storage=" + disk);
        Host.Netns.awaitLine(log, "gitkv: HTTP on port 80", p, Duration.ofSeconds(60));
        String out = Host.read(log);
        assertTrue(!out.contains("SLF4J"), "nothing on the console but the unikernel's own lines:\n" + out);
        return p;
    }

    static String curl(Host.Netns ns, String... args) {
        List<String> c = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body", "--max-time", "30"));
        c.addAll(List.of(args));
        if (args.length > 0 && args[0].equals("-o")) {
            c.remove("--fail-with-body"); // the status code is the answer
        }
        return ns.exec(c.toArray(String[]::new)).out();
    }

    static String git(Host.Netns ns, Path repo, String... args) {
        List<String> c = new ArrayList<>(List.of("git", "-C", repo.toString()));
        c.addAll(List.of(args));
        return ns.exec(c.toArray(String[]::new)).out();
    }
}
