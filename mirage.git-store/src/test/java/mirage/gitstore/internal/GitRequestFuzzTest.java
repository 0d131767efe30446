package mirage.gitstore.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import mirage.core.Flow;
import mirage.gitstore.Author;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.gitstore.GitStoreException;
import mirage.kv.Key;

/**
 * What a git client sends a served store: the request line parser alone, and a whole
 * {@code serve} of any bytes, which ends with a value or a {@link GitStoreException} (never
 * another exception, never a hang once the client has finished sending). Seeds: requests and
 * want/have exchanges C git sent.
 */
class GitRequestFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void requestLine(byte[] raw) {
        try {
            GitRequest r = GitRequest.parse(new String(raw, StandardCharsets.ISO_8859_1));
            if (r.service().isEmpty() || r.path().isEmpty()) {
                throw new AssertionError("parsed an empty service or path");
            }
        } catch (GitStoreException expected) {
            // typed
        }
    }

    @FuzzTest(maxDuration = "10s")
    void serveAnyBytes(byte[] raw) throws Exception {
        try (GitStore store = GitStore.memory(() -> Instant.EPOCH)) {
            store.main().set(Key.of("a"), new byte[] {1}, CommitInfo.of(new Author("f", "f@x"), "f"));
            Flow.Pair p = Flow.pipe(1 << 20);
            Thread client = Thread.ofVirtual().start(() -> {
                try (Flow f = p.right()) {
                    f.write(ByteBuffer.wrap(raw));
                    f.shutdown(Flow.Direction.WRITE);
                    ByteBuffer sink = ByteBuffer.allocate(4096);
                    while (f.read(sink.clear()) != Flow.EOF) {
                        // drain the server's answers
                    }
                } catch (Exception e) {
                    // the server hung up
                }
            });
            try (Flow f = p.left()) {
                store.serve(f);
            } catch (GitStoreException expected) {
                // typed
            }
            client.join();
        }
    }
}
