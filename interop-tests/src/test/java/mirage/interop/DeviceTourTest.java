package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store and TLS devices of mirage.link at work in an image: the tour unikernel
 * ({@code src/test/unikernels/tour}) takes two memory stores (one a separate instance), a tar
 * archive made by GNU tar as a read-only store, another block device as an append-only tar
 * store that GNU tar then reads, a git store on a third block device, and a TLS server and
 * client configured from PEM files made by openssl; booted twice, the journal and the git
 * store keep what the first boot wrote. Its description also shows sharing: one DRBG for
 * both TLS configurations. Needs no root; uses openssl and tar.
 */
class DeviceTourTest {
    static final Path TOUR = Path.of("src/test/unikernels/tour").toAbsolutePath();

    @TempDir
    static Path work;

    static int freeOffset() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int offset = s.getLocalPort() - 443;
                if (offset > 1024) {
                    return offset;
                }
            }
        }
        throw new AssertionError("no free port above 1467");
    }

    static Path zeroed(Path file, long bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    @Test
    void everyStoreAndTlsDevice_worksAtBoot_andTheBlockDevicesKeepTheirDataAcrossBoots() throws Exception {
        Host.require("openssl", "openssl");
        Host.require("tar", "tar");
        Mirage.markLibrariesBuilt();
        Path unikernel = Mirage.copyUnikernel(TOUR, work.resolve("tour"));
        Mirage.Result built = Mirage.mirage("build", unikernel.toString());
        assertEquals(0, built.exit(), built.err());
        Path image = Path.of(built.lastOutLine());

        Path content = Files.createDirectories(work.resolve("content"));
        Files.writeString(content.resolve("hello.txt"), "hello from tar\n");
        Path archive = work.resolve("archive.tar");
        Host.run(List.of("tar", "--format=ustar", "-cf", archive.toString(), "-C", content.toString(), "hello.txt"),
                Duration.ofSeconds(30));
        Path journal = zeroed(work.resolve("journal.img"), 1 << 20);
        Path storage = zeroed(work.resolve("storage.img"), 16L << 20);
        Path cert = work.resolve("cert.pem");
        Path key = work.resolve("key.pem");
        Host.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()), Duration.ofSeconds(30));

        for (int boot = 1; boot <= 2; boot++) {
            Mirage.Result r = Mirage.exec(List.of(image.resolve("bin/tour").toString(), "--port-offset=" + freeOffset(),
                    "--block:archive=" + archive, "--block:journal=" + journal, "--block:storage=" + storage,
                    "--tls-cert=" + cert, "--tls-key=" + key, "--tls-ca=" + cert,
                    // the tour's tlsServer() and tlsClient() read PEM files by path when the device
                    // graph is built, after the sandbox closed the file system (0057): those two
                    // devices need --sandbox=off (a KV_RO store does not: tlsServer(store), 0055)
                    "--sandbox=off"), Duration.ofMinutes(2));
            assertEquals(new Mirage.Result(0, """
                    memory: hello, scratch: separate
                    archive: hello from tar
                    journal: boot %d
                    git: count %d, %d commits
                    tls: pong over TLS_1_3
                    tour: done
                    """.formatted(boot, boot, boot), ""), new Mirage.Result(r.exit(), r.out(), r.err().lines()
                    .filter(l -> !l.startsWith("SLF4J") && !l.startsWith("mirage: sandbox off")).map(l -> l + "\n").reduce("", String::concat)), r.err());
        }
        // GNU tar reads what the append-only store wrote
        assertEquals(List.of("boot/1", "boot/2"),
                Host.run(List.of("tar", "-tf", journal.toString()), Duration.ofSeconds(30)).out().lines().toList());
        assertEquals("boot 2\n", Host.run(List.of("tar", "-xOf", journal.toString(), "boot/2"), Duration.ofSeconds(30)).out());

        Mirage.Result described = Mirage.mirage("describe", unikernel.toString(), "-q");
        assertEquals(0, described.exit(), described.err());
        String out = described.out();
        assertTrue(out.lines().anyMatch(l -> l.matches("  #\\d+ +mirage\\.core\\.Rng\\.drbg\\(#\\d+\\) .*shared by #\\d+, #\\d+")),
                "one DRBG for the TLS server and client:\n" + out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  #\\d+ +--port-offset .*shared by #\\d+, start\\.2")),
                "one --port-offset for the stack and start:\n" + out);
        assertEquals(2, out.lines().filter(l -> l.matches("  #\\d+ +mirage\\.kv\\.KvRw\\.memory\\(#\\d+\\).*")).count(), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  #\\d+ +mirage\\.kv\\.KvRw\\.memory\\(#\\d+\\) instance scratch.*")), out);
        assertTrue(out.contains("  BLOCK_BASIC archive\n  BLOCK_BASIC journal\n  BLOCK_BASIC storage\n"), out);
    }
}
