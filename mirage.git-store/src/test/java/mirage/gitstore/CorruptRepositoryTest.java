package mirage.gitstore;

import static mirage.gitstore.Fixtures.bytes;
import static mirage.gitstore.Fixtures.info;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.DeflaterOutputStream;
import mirage.kv.Key;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bare repository damaged on disk: reads of what is damaged fail with {@code CORRUPT}, the
 * rest stays readable, nothing moves a head, and the damaged files are left as they were.
 */
class CorruptRepositoryTest {
    @TempDir
    Path dir;
    Path repo;
    CommitId head;

    static final Key A = Key.of("a");
    static final Key D = Key.parse("d/x");

    @BeforeEach
    void write() throws Exception {
        repo = dir.resolve("r.git");
        try (GitStore s = GitStore.openBare(repo, Fixtures.ticking())) {
            s.main().apply(List.of(Write.set(A, bytes("alpha")), Write.set(D, bytes("delta"))), info("two"));
            head = s.main().head().orElseThrow();
        }
    }

    Path loose(String hex) {
        return repo.resolve("objects").resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    }

    static String blobId(String content) throws Exception {
        byte[] body = content.getBytes(StandardCharsets.UTF_8);
        var md = java.security.MessageDigest.getInstance("SHA-1");
        md.update(("blob " + body.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(md.digest(body));
    }

    static byte[] deflate(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void aGarbledBlobIsCorruptAndTheRestReadable() throws Exception {
        Path blob = loose(blobId("alpha"));
        byte[] garbage = bytes("this is not zlib at all");
        Files.write(blob, garbage);
        try (GitStore s = GitStore.openBare(repo, Fixtures.ticking())) {
            GitStoreException e = assertThrows(GitStoreException.class, () -> s.main().get(A));
            assertEquals(GitStoreException.Reason.CORRUPT, e.reason());
            assertArrayEquals(bytes("delta"), s.main().get(D).orElseThrow());
            assertEquals(GitStoreException.Reason.CORRUPT,
                    assertThrows(GitStoreException.class, () -> s.diff(Optional.empty(), head)).reason());
            assertEquals(Optional.of(head), s.main().head());
        }
        assertArrayEquals(garbage, Files.readAllBytes(blob));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tree 8\0" + "100644 x", "tree 9\0" + "100644 x", "tree 3\0" + "abc", "blob 1\0" + "x"})
    void aTreeThatIsNotATreeIsCorrupt(String object) throws Exception {
        assumeTrue(Fixtures.gitInstalled(), "C git is not installed");
        String tree = Fixtures.git(repo, "rev-parse", head.hex() + ":d").strip();
        Path file = loose(tree);
        file.toFile().setWritable(true);
        Files.write(file, deflate(bytes(object)));
        try (GitStore s = GitStore.openBare(repo, Fixtures.ticking())) {
            GitStoreException e = assertThrows(GitStoreException.class, () -> s.main().list(Key.of("d")));
            assertEquals(GitStoreException.Reason.CORRUPT, e.reason(), () -> String.valueOf(e.getCause()));
            assertEquals(GitStoreException.Reason.CORRUPT,
                    assertThrows(GitStoreException.class, () -> s.main().set(Key.parse("d/y"), bytes("y"), info("y"))).reason());
            assertArrayEquals(bytes("alpha"), s.main().get(A).orElseThrow());
            assertEquals(Optional.of(head), s.main().head());
        }
    }

    @Test
    void aGarbledRefIsCorruptAndLeftAlone() throws Exception {
        Path ref = repo.resolve("refs/heads/main");
        Files.writeString(ref, "not a commit id\n");
        try (GitStore s = GitStore.openBare(repo, Fixtures.ticking())) {
            assertEquals(GitStoreException.Reason.CORRUPT,
                    assertThrows(GitStoreException.class, () -> s.main().head()).reason());
            assertEquals(GitStoreException.Reason.CORRUPT,
                    assertThrows(GitStoreException.class, () -> s.main().set(A, bytes("x"), info("x"))).reason());
        }
        assertEquals("not a commit id\n", Files.readString(ref));
    }

    @Test
    void aRefToAMissingCommitIsCorrupt() throws Exception {
        Files.writeString(repo.resolve("refs/heads/main"), "ab".repeat(20) + "\n");
        try (GitStore s = GitStore.openBare(repo, Fixtures.ticking())) {
            GitStoreException e = assertThrows(GitStoreException.class, () -> s.main().get(A));
            assertEquals(GitStoreException.Reason.NOT_FOUND, e.reason());
        }
    }

    @Test
    void aDirectoryThatIsNotARepositoryIsRefused() throws Exception {
        Path notRepo = dir.resolve("plain");
        Files.createDirectories(notRepo);
        Files.writeString(notRepo.resolve("HEAD"), "garbage");
        GitStoreException e = assertThrows(GitStoreException.class, () -> GitStore.openBare(notRepo, Fixtures.ticking()));
        assertEquals(GitStoreException.Reason.CORRUPT, e.reason());
    }
}
