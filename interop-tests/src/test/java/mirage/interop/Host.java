package mirage.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The host side of interop tests: root, Debian packages installed on demand, network
 * namespaces created and deleted, processes started inside them. Every address a test uses
 * lives in a namespace it created; nothing touches the machine's own interfaces.
 */
final class Host {
    private static final Map<String, Boolean> installed = new ConcurrentHashMap<>();

    private Host() {}

    /** Skips the calling test class unless it runs as root (as CI does). */
    static void assumeRoot() {
        assumeTrue(isRoot(), "needs root (network namespaces, TAP devices): CI runs as root");
    }

    /** Whether this process runs as root. */
    static boolean isRoot() {
        return Mirage.exec(List.of("id", "-u"), Duration.ofSeconds(10)).out().strip().equals("0");
    }

    /**
     * Makes {@code command} available, installing Debian {@code pkg} with apt-get if it is
     * missing. Without root (a test that needs none, on a machine without the tool) it skips
     * the test, naming the package; as root it fails (does not skip) if the install is
     * impossible, since CI, which runs as root, must run these tests.
     */
    static synchronized void require(String command, String pkg) {
        if (installed.getOrDefault(command, false) || onPath(command)) {
            installed.put(command, true);
            return;
        }
        assumeTrue(isRoot(), command + " is not installed (Debian package " + pkg + ") and installing it needs root");
        if (pkg.equals("tshark")) {
            // wireshark-common asks whether non-root users may capture: answer before it asks
            run(List.of("sh", "-c", "echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections"),
                    Duration.ofMinutes(1));
        }
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        Mirage.Result install = Mirage.exec(List.of("apt-get", "install", "-y", "--no-install-recommends", pkg), env, Duration.ofMinutes(10));
        if (install.exit() != 0) {
            Mirage.exec(List.of("apt-get", "update"), env, Duration.ofMinutes(10));
            install = Mirage.exec(List.of("apt-get", "install", "-y", "--no-install-recommends", pkg), env, Duration.ofMinutes(10));
        }
        if (install.exit() != 0 || !onPath(command)) {
            throw new AssertionError("cannot install " + pkg + " for " + command + ": " + install.err());
        }
        installed.put(command, true);
    }

    /**
     * A self-signed ECDSA P-256 certificate for {@code name} (its subjectAltName too) made by
     * openssl, valid for two days: {@code cert.pem} and {@code key.pem} in {@code dir}.
     *
     * @return the certificate file; the key is beside it
     */
    static Path selfSignedCertificate(Path dir, String name) {
        Path cert = dir.resolve("cert.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name, "-keyout", dir.resolve("key.pem").toString(),
                "-out", cert.toString()), Duration.ofSeconds(30));
        return cert;
    }

    /**
     * {@link #selfSignedCertificate} as a certificate store for examples/echo built with
     * {@code --certs=boot}: the directory {@code dir/certs} holding {@code server.pem} and
     * {@code server.key}, to bind with {@code --kv:certs=DIR}. Returns the directory.
     */
    static Path certificateStore(Path dir, String name) {
        Path cert = selfSignedCertificate(dir, name);
        try {
            Path certs = Files.createDirectories(dir.resolve("certs"));
            Files.copy(cert, certs.resolve("server.pem"));
            Files.copy(dir.resolve("key.pem"), certs.resolve("server.key"));
            return certs;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean onPath(String command) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command to completion; fails with its output if it does not exit 0. */
    static Mirage.Result run(List<String> command, Duration limit) {
        Mirage.Result r = Mirage.exec(command, limit);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + "\n" + r.out() + r.err());
        }
        return r;
    }

    /**
     * A network namespace, deleted (with what runs in it: processes, TAPs, captures) on close.
     * Its name is unique on the machine ({@code prefix}, this JVM's pid and a sequence number),
     * so tests of several helpers and classes run side by side; interfaces made inside it need
     * no unique names.
     */
    static final class Netns implements AutoCloseable {
        private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE = new java.util.concurrent.atomic.AtomicInteger();
        final String name;
        private final List<Process> processes = new ArrayList<>();

        Netns(String prefix) {
            this.name = prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
            Mirage.exec(List.of("ip", "netns", "del", name), Duration.ofSeconds(10));
            run(List.of("ip", "netns", "add", name), Duration.ofSeconds(10));
            exec("ip", "link", "set", "lo", "up");
        }

        /** Runs {@code command} in the namespace to completion and returns what it did. */
        Mirage.Result execQuietly(Duration limit, String... command) {
            List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
            c.addAll(List.of(command));
            return Mirage.exec(c, limit);
        }

        /** Runs {@code command} in the namespace; fails unless it exits 0. */
        Mirage.Result exec(String... command) {
            List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
            c.addAll(List.of(command));
            return run(c, Duration.ofSeconds(60));
        }

        /**
         * Switches the namespace kernel's IPv6 off on every interface, so that its router
         * solicitations and listener reports stay out of captures and counters of our protocols.
         */
        void withoutIpv6() {
            exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        }

        /**
         * Switches the namespace kernel's IPv6 on for every interface, those made from now on
         * too; without {@code dad} its addresses are usable at once (no Duplicate Address
         * Detection of its own).
         */
        void withIpv6(boolean dad) {
            exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=0");
            exec("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=0");
            String accept = dad ? "1" : "0";
            exec("sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=" + accept);
            exec("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=" + accept);
        }

        /** Makes a TAP named {@code tap} in the namespace for a unikernel or a VM to attach to; it goes with the namespace. */
        void addTap(String tap) {
            exec("ip", "tuntap", "add", "dev", tap, "mode", "tap");
        }

        /**
         * Starts {@code dumpcap} on {@code link}, writing pcapng to {@code file} ({@code snaplen}
         * octets of each frame, 0 for whole frames), and waits until it captures. Stop it with
         * {@link #stop} before reading the file (the last frames are written then); stopped on
         * close otherwise. Needs dumpcap (Debian package tshark: {@code Host.require("tshark",
         * "tshark")}).
         */
        Process capture(String link, Path file, int snaplen) throws InterruptedException {
            Path log = file.resolveSibling(file.getFileName() + ".log");
            List<String> command = new ArrayList<>(List.of("dumpcap", "-i", link, "-w", file.toString()));
            if (snaplen > 0) {
                command.addAll(List.of("-s", Integer.toString(snaplen)));
            }
            Process p = start(log, command.toArray(String[]::new));
            awaitLine(log, "Capturing on", p, Duration.ofSeconds(30));
            return p;
        }

        /** Starts {@code command} in the namespace, its output to {@code log}; stopped on close. */
        Process start(Path log, String... command) {
            List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
            c.addAll(List.of(command));
            try {
                Process p = new ProcessBuilder(c).directory(Mirage.ROOT.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                processes.add(p);
                return p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Starts {@code command} (a unikernel bound to a TAP it creates, {@code tap}) in the
         * namespace, its output to {@code log}; waits for the TAP and for {@code ready} in the
         * log; then switches the namespace kernel's IPv6 off ({@link #withoutIpv6}) and gives its
         * end of the TAP {@code peerCidr}, up. Stopped on close.
         */
        Process startOnTap(Path log, String tap, String peerCidr, String ready, String... command) throws InterruptedException {
            Process p = start(log, command);
            awaitLink(tap, p, log);
            awaitLine(log, ready, p, Duration.ofSeconds(60));
            withoutIpv6();
            exec("ip", "addr", "add", peerCidr, "dev", tap);
            exec("ip", "link", "set", tap, "up");
            return p;
        }

        /** Waits until {@code link} exists in the namespace (a unikernel creates its TAP as it binds). */
        void awaitLink(String link, Process owner, Path log) throws InterruptedException {
            for (int i = 0; i < 600; i++) {
                if (execQuietly(Duration.ofSeconds(10), "ip", "link", "show", link).exit() == 0) {
                    return;
                }
                if (!owner.isAlive()) {
                    throw new AssertionError("the process exited " + owner.exitValue() + " before " + link + " appeared:\n" + read(log));
                }
                Thread.sleep(100);
            }
            throw new AssertionError(link + " did not appear within 60 s:\n" + read(log));
        }

        /** Waits until {@code log} contains {@code text}. */
        static void awaitLine(Path log, String text, Process owner, Duration limit) throws InterruptedException {
            long end = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < end) {
                if (read(log).contains(text)) {
                    return;
                }
                if (!owner.isAlive()) {
                    throw new AssertionError("the process exited " + owner.exitValue() + " before printing '" + text + "':\n" + read(log));
                }
                Thread.sleep(100);
            }
            throw new AssertionError("'" + text + "' not printed within " + limit + ":\n" + read(log));
        }

        /** Waits until a line of {@code log} matches {@code pattern}; returns the first such line's match. */
        static java.util.regex.Matcher awaitMatch(Path log, java.util.regex.Pattern pattern, Process owner, Duration limit)
                throws InterruptedException {
            long end = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < end) {
                for (String line : read(log).lines().toList()) {
                    java.util.regex.Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
                if (!owner.isAlive()) {
                    throw new AssertionError("the process exited " + owner.exitValue() + " before printing /" + pattern + "/:\n" + read(log));
                }
                Thread.sleep(100);
            }
            throw new AssertionError("/" + pattern + "/ not printed within " + limit + ":\n" + read(log));
        }

        /**
         * Stops a process started here and every process it started (an image's launcher is a
         * script that starts the JVM as its child): SIGTERM, then SIGKILL after a grace period.
         */
        static void stop(Process p) throws InterruptedException {
            Host.stopTree(p.toHandle());
        }

        @Override
        public void close() throws InterruptedException {
            for (Process p : processes.reversed()) {
                stop(p);
            }
            // anything else still running in the namespace (it would outlive its deletion)
            Mirage.Result pids = Mirage.exec(List.of("ip", "netns", "pids", name), Duration.ofSeconds(10));
            for (String pid : pids.out().split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(h -> {
                        try {
                            Host.stopTree(h);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
            }
            Mirage.exec(List.of("ip", "netns", "del", name), Duration.ofSeconds(10));
        }
    }

    /** SIGTERM to a process and its descendants, then SIGKILL to what is left after 10 s. */
    static void stopTree(ProcessHandle root) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroy);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : all) {
            while (h.isAlive() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
