package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 item 3 with a real client: examples/echo's HTTP server, on the direct stack through
 * a TAP in a network namespace (root) and on {@code --stack=host} over loopback (no root), faces
 * three python3 clients at once: one that connects and sends nothing, one that sends its request
 * head a byte a second (slowloris), and a normal one. The normal one is served; the silent one
 * is closed without an answer (the server's 60 s idle wait); the slowloris one gets 408 while it
 * is still sending (the head's 30 s from its first byte). The clients give up only after 300 s,
 * so a server that never drops them fails the test; nothing here is timed more tightly than that.
 */
class EchoTimeoutsTest {
    static final String TAP = "taplim";
    static final String US = "10.81.0.2";

    @TempDir
    static Path work;

    /** The three clients; prints one {@code name: outcome} line each. */
    static final String CLIENTS = """
            import socket, sys, threading
            host, port = sys.argv[1], int(sys.argv[2])
            out = {}
            def silent():
                s = socket.create_connection((host, port), timeout=10)
                s.settimeout(300)
                try:
                    d = s.recv(4096)
                    out['silent'] = 'EOF' if d == b'' else 'DATA ' + d[:12].decode('latin-1')
                except ConnectionResetError:
                    out['silent'] = 'RESET'
                except socket.timeout:
                    out['silent'] = 'STILL OPEN'
            def slowloris():
                head = b'GET / HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: ' + b'a' * 200 + b'\\r\\n\\r\\n'
                s = socket.create_connection((host, port), timeout=10)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.settimeout(1.0)
                sent, got = 0, b''
                for b in head:
                    try:
                        s.send(bytes([b]))
                        sent += 1
                    except OSError:
                        break
                    try:
                        d = s.recv(4096)  # the pause between bytes: a second, unless the server answers
                        got += d
                        if d == b'' or got.endswith(b'\\r\\n\\r\\n') or len(got) > 200:
                            break
                    except socket.timeout:
                        pass
                    except OSError:
                        break
                status = got.split(b'\\r\\n')[0].decode('latin-1') if got else 'nothing'
                out['slowloris'] = 'sent %d of %d, got %s' % (sent, len(head), status)
            def normal():
                s = socket.create_connection((host, port), timeout=10)
                s.settimeout(60)
                s.sendall(b'GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n')
                got = b''
                while True:
                    d = s.recv(4096)
                    if not d:
                        break
                    got += d
                out['normal'] = got.split(b'\\r\\n')[0].decode('latin-1')
            ts = [threading.Thread(target=f) for f in (silent, slowloris, normal)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            for k in sorted(out):
                print('%s: %s' % (k, out[k]))
            """;

    static Map<String, String> outcomes(String output) {
        Map<String, String> m = new HashMap<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                m.put(line.substring(0, colon).strip(), line.substring(colon + 2).strip());
            }
        }
        return m;
    }

    static void check(String output) {
        Map<String, String> m = outcomes(output);
        assertEquals("HTTP/1.1 200 OK", m.get("normal"), output);
        assertTrue(List.of("EOF", "RESET").contains(m.get("silent")), "the silent client was dropped: " + output);
        String slow = m.get("slowloris");
        assertTrue(slow != null && slow.endsWith("got HTTP/1.1 408 Request Timeout"), output);
        int sent = Integer.parseInt(slow.substring("sent ".length(), slow.indexOf(" of ")));
        int of = Integer.parseInt(slow.substring(slow.indexOf(" of ") + 4, slow.indexOf(",")));
        assertTrue(sent < of, "answered while still trickling: " + slow);
    }

    @Test
    void directStack_throughTap_silentAndSlowlorisDropped_normalServed() throws Exception {
        Host.assumeRoot();
        Host.require("python3", "python3-minimal");
        Path image = Mirage.buildExample("echo", work.resolve("direct"));
        Path script = work.resolve("clients.py");
        Files.writeString(script, CLIENTS);
        try (Host.Netns ns = new Host.Netns("mirage-lim")) {
            Path log = work.resolve("echo.log");
            Process echo = ns.startOnTap(log, TAP, "10.81.0.1/24", "HTTP on port 80",
                    image.resolve("bin/echo").toString(), "--net:service=" + TAP, "--ipv4=" + US + "/24", "--tls-name=echo.test");
            Mirage.Result r = ns.execQuietly(Duration.ofMinutes(6), "python3", script.toString(), US, "80");
            assertEquals(0, r.exit(), r.out() + r.err());
            check(r.out());
        }
    }

    @Test
    void hostStack_loopback_silentAndSlowlorisDropped_normalServed() throws Exception {
        Host.require("python3", "python3-minimal");
        Path image = Mirage.buildExample("echo", work.resolve("host"), "--stack=host");
        Path script = work.resolve("clients-host.py");
        Files.writeString(script, CLIENTS);
        int offset = EchoHostStackTest.freeBase();
        Process echo = startOnHost(image, work.resolve("echo-host.log"), offset);
        try {
            Mirage.Result r = Mirage.exec(List.of("python3", script.toString(), "127.0.0.1", Integer.toString(80 + offset)),
                    Duration.ofMinutes(6));
            assertEquals(0, r.exit(), r.out() + r.err());
            check(r.out());
        } finally {
            Host.stopTree(echo.toHandle());
            assertTrue(echo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    /** Starts echo built with --stack=host on the host's loopback, ports shifted by {@code offset}; returns once it serves HTTP. */
    static Process startOnHost(Path image, Path log, int offset) throws Exception {
        Process echo = new ProcessBuilder(List.of(image.resolve("bin/echo").toString(), "--port-offset=" + offset))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Host.Netns.awaitLine(log, "HTTP on port 80", echo, Duration.ofSeconds(60));
        } catch (Throwable t) {
            Host.stopTree(echo.toHandle());
            throw t;
        }
        return echo;
    }
}
