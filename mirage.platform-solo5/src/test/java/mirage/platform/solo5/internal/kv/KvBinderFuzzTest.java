package mirage.platform.solo5.internal.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.internal.files.FileTree;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvRo;

/**
 * Any bytes bound as a tar file give a store every value of which reads, or one typed line
 * ({@code DEVICE}); never another exception, never a hang.
 */
class KvBinderFuzzTest {
    static final FileTree.Limits LIMITS = new FileTree.Limits(1 << 20, 1 << 20, 1000);

    @FuzzTest(maxDuration = "30s")
    void tarFile(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("kv-fuzz", ".tar");
        try {
            Files.write(file, bytes);
            KvRo kv;
            try {
                kv = KvBinder.read("--kv:f", file.toString(), LIMITS);
            } catch (ArgumentException e) {
                assertEquals(Problem.DEVICE, e.problem());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                return;
            }
            readAll(kv, Key.ROOT);
        } finally {
            Files.delete(file);
        }
    }

    static void readAll(KvRo kv, Key dictionary) throws KvException {
        for (Entry e : kv.list(dictionary)) {
            if (e.kind() == Kind.VALUE) {
                assertEquals(kv.size(e.key()), kv.get(e.key()).length);
            } else {
                readAll(kv, e.key());
            }
        }
    }
}
