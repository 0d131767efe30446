package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mirage.core.Flow;
import mirage.gitstore.Author;
import mirage.gitstore.CommitId;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.kv.Key;
import mirage.time.WallClock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import mirage.testkit.HostFlows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mirage.gitstore against C git over the git protocol (git://), through a veth pair into a
 * network namespace this test creates and deletes: {@code git daemon} in the namespace is the
 * remote for fetch (clone) and push; and the store, served over a {@link Flow} on a host socket
 * (the test kit's {@link HostFlows}), is cloned and pushed to by C git in the namespace. Every
 * repository C git ends with passes {@code git fsck --full}. Needs root, git and iproute2.
 */
class GitInteropTest {
    static final String NS = "mgit" + ProcessHandle.current().pid() % 100000;
    static final String HOST_IF = "mgh" + ProcessHandle.current().pid() % 100000;
    static final String NS_IF = "mgn" + ProcessHandle.current().pid() % 100000;
    static final String HOST_ADDR = "10.77.219.1";
    static final String NS_ADDR = "10.77.219.2";
    static final Author ME = new Author("mirage", "mirage@example.org");

    @TempDir
    static Path dir;
    static Process daemon;
    static boolean up;

    static WallClock clock() {
        AtomicLong s = new AtomicLong(1_767_225_600L);
        return () -> Instant.ofEpochSecond(s.getAndIncrement());
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    static String inNs(String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", NS));
        c.addAll(List.of(cmd));
        return run(c.toArray(String[]::new));
    }

    static String git(Path gitDir, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        c.addAll(List.of(args));
        return run(c.toArray(String[]::new));
    }

    @BeforeAll
    static void network() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (network namespace)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/git")), "needs git");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")), "needs iproute2");
        run("ip", "netns", "add", NS);
        up = true;
        run("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF);
        run("ip", "link", "set", NS_IF, "netns", NS);
        run("ip", "addr", "add", HOST_ADDR + "/30", "dev", HOST_IF);
        run("ip", "link", "set", HOST_IF, "up");
        inNs("ip", "addr", "add", NS_ADDR + "/30", "dev", NS_IF);
        inNs("ip", "link", "set", NS_IF, "up");
        inNs("ip", "link", "set", "lo", "up");

        // The remote: a bare repository made by C git, served by git daemon in the namespace.
        Path work = dir.resolve("work");
        run("git", "init", "-q", "-b", "main", work.toString());
        Files.writeString(work.resolve("greeting"), "hello from C git\n");
        run("git", "-C", work.toString(), "add", "greeting");
        run("git", "-C", work.toString(), "-c", "user.name=C", "-c", "user.email=c@example.org", "commit", "-q", "-m", "from C git");
        run("git", "clone", "-q", "--bare", work.toString(), dir.resolve("srv/origin.git").toString());
        daemon = new ProcessBuilder("ip", "netns", "exec", NS, "git", "daemon", "--reuseaddr", "--export-all",
                "--enable=receive-pack", "--base-path=" + dir.resolve("srv"), "--listen=" + NS_ADDR, "--port=9418",
                dir.resolve("srv").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (SocketChannel c = SocketChannel.open(new InetSocketAddress(NS_ADDR, 9418))) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("git daemon did not start: " + Files.readString(dir.resolve("daemon.log")));
    }

    @AfterAll
    static void teardown() throws Exception {
        if (daemon != null) {
            daemon.descendants().forEach(ProcessHandle::destroy);
            daemon.destroy();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
        if (up) {
            new ProcessBuilder("ip", "link", "del", HOST_IF).start().waitFor();
            new ProcessBuilder("ip", "netns", "del", NS).start().waitFor();
        }
    }

    static Flow connect() throws IOException {
        return HostFlows.of(SocketChannel.open(new InetSocketAddress(NS_ADDR, 9418)));
    }

    @Test
    void cloneFromGitDaemonCommitAndPushBack() throws Exception {
        Path origin = dir.resolve("srv/origin.git");
        try (GitStore store = GitStore.onBlock(mirage.block.Block.memory(512, 1 << 14), clock())) {
            CommitId head;
            try (Flow f = connect()) {
                head = store.fetch(f, "/origin.git", "main");
            }
            assertEquals(git(origin, "rev-parse", "main").strip(), head.hex());
            store.testAndSetHead("main", Optional.empty(), Optional.of(head));
            assertEquals("hello from C git\n", new String(store.main().get(Key.of("greeting")).orElseThrow(), StandardCharsets.UTF_8));

            store.main().set(Key.parse("from/mirage"), "written by the store".getBytes(StandardCharsets.UTF_8),
                    CommitInfo.of(ME, "from mirage"));
            try (Flow f = connect()) {
                store.push(f, "/origin.git", "main");
            }
            assertEquals(store.main().head().orElseThrow().hex(), git(origin, "rev-parse", "main").strip());
            assertEquals(List.of("from mirage", "from C git"), git(origin, "log", "--format=%s", "main").lines().toList());
            assertEquals("written by the store", git(origin, "show", "main:from/mirage"));
            git(origin, "fsck", "--full", "--strict");
        }
    }

    @Test
    void gitClonesAndPushesToTheServedStore() throws Exception {
        try (GitStore store = GitStore.memory(clock());
             ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(HOST_ADDR, 0))) {
            store.main().set(Key.of("a"), "1\n".getBytes(StandardCharsets.UTF_8), CommitInfo.of(ME, "one"));
            store.main().set(Key.parse("d/b"), "2\n".getBytes(StandardCharsets.UTF_8), CommitInfo.of(ME, "two"));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Thread.ofVirtual().start(() -> {
                while (server.isOpen()) {
                    try {
                        SocketChannel c = server.accept();
                        Thread.ofVirtual().start(() -> {
                            try (Flow f = HostFlows.of(c)) {
                                store.serve(f);
                            } catch (Exception e) {
                                // reported by the client's failure
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Path clone = dir.resolve("clone");
            inNs("git", "clone", "-q", "git://" + HOST_ADDR + ":" + port + "/store", clone.toString());
            assertEquals(List.of("two", "one"), run("git", "-C", clone.toString(), "log", "--format=%s").lines().toList());
            assertEquals("2\n", Files.readString(clone.resolve("d/b")));
            run("git", "-C", clone.toString(), "fsck", "--full", "--strict");

            Files.writeString(clone.resolve("c"), "3\n");
            run("git", "-C", clone.toString(), "add", "c");
            run("git", "-C", clone.toString(), "-c", "user.name=C", "-c", "user.email=c@example.org", "commit", "-q", "-m", "three");
            inNs("git", "-C", clone.toString(), "push", "-q", "origin", "main");
            assertEquals(run("git", "-C", clone.toString(), "rev-parse", "HEAD").strip(), store.main().head().orElseThrow().hex());
            assertEquals("3\n", new String(store.main().get(Key.of("c")).orElseThrow(), StandardCharsets.UTF_8));
            assertTrue(store.main().log(0, 10).size() == 3);
        }
    }
}
