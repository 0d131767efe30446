package tour;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import mirage.core.Console;
import mirage.core.Flow;
import mirage.core.Unikernel;
import mirage.gitstore.Author;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.kv.Key;
import mirage.kv.KvException;
import mirage.kv.KvRo;
import mirage.kv.KvRw;
import mirage.net.Ipv4Address;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.Sleep;
import mirage.tls.ClientConfig;
import mirage.tls.ServerConfig;
import mirage.tls.Tls;
import mirage.tls.TlsFlow;

/**
 * Uses each device it is given once and reports on the console, then exits: two memory stores
 * (one value set in the first, looked for in the second), a tar archive read-only
 * ({@code hello.txt}) and another appended to ({@code boot/N}, N counting boots), a git store on
 * a block device (a counter committed once per boot), and TLS: a server on port 443 answers
 * {@code pong} to a client of its own that connects through the stack and checks the server's
 * certificate.
 */
public final class Tour implements Unikernel {
    static final int TLS_PORT = 443;

    public void start(Console console, Stack stack, int portOffset, Sleep sleep, KvRw memory, KvRw scratch, KvRo archive,
            KvRw journal, GitStore git, ServerConfig server, ClientConfig client) throws Exception {
        memory.set(Key.of("greeting"), "hello".getBytes(StandardCharsets.UTF_8));
        console.println("memory: " + new String(memory.get(Key.of("greeting")), StandardCharsets.UTF_8)
                + ", scratch: " + (scratch.exists(Key.of("greeting")).isEmpty() ? "separate" : "the same store"));

        console.println("archive: " + new String(archive.get(Key.of("hello.txt")), StandardCharsets.UTF_8).strip());

        int boot = 1;
        try {
            boot = journal.list(Key.of("boot")).size() + 1;
        } catch (KvException e) {
            if (e.reason() != KvException.Reason.NOT_FOUND) {
                throw e;
            }
        }
        journal.set(Key.of("boot", Integer.toString(boot)), ("boot " + boot + "\n").getBytes(StandardCharsets.UTF_8));
        console.println("journal: boot " + boot);

        Optional<byte[]> count = git.main().get(Key.of("count"));
        int next = count.map(b -> Integer.parseInt(new String(b, StandardCharsets.UTF_8))).orElse(0) + 1;
        git.main().set(Key.of("count"), Integer.toString(next).getBytes(StandardCharsets.UTF_8),
                CommitInfo.of(new Author("tour", "tour@localhost"), "boot " + next));
        console.println("git: count " + next + ", " + git.main().log(0, 100).size() + " commits");

        stack.tcp().listen(TLS_PORT, connection -> {
            try (TlsFlow tls = Tls.server(connection, server)) {
                ByteBuffer in = ByteBuffer.allocate(4);
                while (in.hasRemaining() && tls.read(in) != Flow.EOF) {
                    // read "ping"
                }
                tls.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
            }
        });
        sleep.sleep(Duration.ofMillis(10));
        try (Tcp.Connection c = stack.tcp().connect(Ipv4Address.of(127, 0, 0, 1), TLS_PORT + portOffset, Duration.ofSeconds(30));
                TlsFlow tls = Tls.client(c, client, "localhost")) {
            tls.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(4);
            while (in.hasRemaining() && tls.read(in) != Flow.EOF) {
                // read "pong"
            }
            console.println("tls: " + new String(in.array(), StandardCharsets.US_ASCII) + " over " + tls.handshake().version());
        }
        git.close();
        console.println("tour: done");
    }
}
