package mirage.gitstore;

import static mirage.gitstore.Fixtures.bytes;
import static mirage.gitstore.Fixtures.info;
import static mirage.gitstore.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import mirage.kv.Key;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many virtual threads writing one branch: test-and-set loses no update, blind writes none either. */
class ConcurrencyTest {
    static final int THREADS = 32;
    static final int EACH = 15;
    static final Key COUNTER = Key.of("counter");

    @TempDir
    Path dir;

    GitStore open(String backend) throws Exception {
        return backend.equals("memory") ? GitStore.memory(Fixtures.ticking())
                : GitStore.openBare(dir.resolve("c.git"), Fixtures.ticking());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "bare"})
    void testAndSetIncrementsLoseNothing(String backend) throws Exception {
        try (GitStore store = open(backend); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Branch main = store.main();
            main.set(COUNTER, bytes("0"), info("zero"));
            AtomicInteger conflicts = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < EACH; i++) {
                        while (true) {
                            Snapshot s = main.snapshot();
                            int n = Integer.parseInt(text(s.get(COUNTER).orElseThrow()));
                            try {
                                main.apply(s.commit(), List.of(Write.set(COUNTER, bytes(Integer.toString(n + 1)))), info("+1"));
                                break;
                            } catch (HeadConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertEquals(Integer.toString(THREADS * EACH), text(main.get(COUNTER).orElseThrow()));
            assertEquals(THREADS * EACH + 1, main.log(0, 10_000).size());
            if (backend.equals("bare") && Fixtures.gitInstalled()) {
                Fixtures.fsck(dir.resolve("c.git"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "bare"})
    void blindWritesFromManyThreadsAllLand(String backend) throws Exception {
        try (GitStore store = open(backend); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Branch main = store.main();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < EACH; i++) {
                        main.set(Key.of("t" + thread, "k" + i), bytes(thread + "/" + i), info("w"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertEquals(THREADS * EACH, main.snapshot().values(Key.ROOT).size());
            assertEquals(THREADS * EACH, main.log(0, 10_000).size());
            assertEquals(Optional.of(bytes("3/4")).map(String::new), main.get(Key.of("t3", "k4")).map(String::new));
        }
    }
}
