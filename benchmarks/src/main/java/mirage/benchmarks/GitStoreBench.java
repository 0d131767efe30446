package mirage.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import mirage.gitstore.Author;
import mirage.gitstore.Branch;
import mirage.gitstore.Commit;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.Write;
import mirage.kv.Key;
import org.eclipse.jgit.internal.storage.dfs.DfsPackCompactor;
import org.eclipse.jgit.internal.storage.dfs.DfsPackFile;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.pack.PackExt;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * mirage.gitstore against the same work done by hand with JGit's plumbing (ObjectInserter,
 * TreeFormatter, TreeWalk, RefUpdate), on bare repositories (both on JGit's
 * {@code FileRepository}: loose objects, a loose ref, no fsync), in one run. The store holds 100
 * keys (10 directories of 10 values of ~16 bytes).
 *
 * <ul>
 *   <li>{@code *Commit1}: one value changed, one commit (the store's {@code Branch.set}; by
 *       hand: read the head, rewrite the value's directory tree and the root tree, commit,
 *       compare-and-set the ref);</li>
 *   <li>{@code *Commit100}: all 100 values changed in one commit (per value: ops/s x 100);</li>
 *   <li>{@code *Get}: a hot read of one value at the head (the store caches heads, trees and
 *       values; by hand: ref, commit, {@code TreeWalk.forPath}, blob, every time);</li>
 *   <li>{@code *Log10k}: the whole history of 10,000 commits, newest first, with author, time
 *       and message of each (the store's {@code Branch.log}; by hand: a {@code RevWalk}).</li>
 * </ul>
 * {@code storeMemory*} are the store's in-memory backend (its own DFS repository) against
 * {@code jgitMemory*}, the same plumbing on JGit's {@code InMemoryRepository} (DFS too), with
 * the same pack compaction. Repositories on disk live on /dev/shm when it exists.
 */
@BenchmarkMode(Mode.Throughput)
public class GitStoreBench {
    static final int DIRS = 10;
    static final int FILES = 10;
    static final Author AUTHOR = new Author("bench", "bench@example.org");

    static InstantSource clock() {
        AtomicLong s = new AtomicLong(1_767_225_600L);
        return () -> Instant.ofEpochSecond(s.getAndIncrement());
    }

    static Key key(int i) {
        return Key.of("d" + i / FILES, "k" + i % FILES);
    }

    static byte[] value(long n) {
        return ("value-" + n).getBytes(StandardCharsets.UTF_8);
    }

    /** A fresh directory on /dev/shm (tmpfs) when there is one, so that disk noise does not swamp the comparison. */
    static Path tempDir(String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, prefix)
                : Files.createTempDirectory(prefix);
    }

    static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The store, on disk and in memory, with 100 keys. */
    @State(Scope.Benchmark)
    public static class Store {
        Path dir;
        GitStore disk;
        GitStore memory;
        Branch main;
        Branch mainMemory;
        long n;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            dir = tempDir("gitstore-bench");
            disk = GitStore.openBare(dir.resolve("store.git"), clock());
            memory = GitStore.memory(clock());
            main = disk.main();
            mainMemory = memory.main();
            main.apply(all(0), CommitInfo.of(AUTHOR, "initial"));
            mainMemory.apply(all(0), CommitInfo.of(AUTHOR, "initial"));
        }

        static List<Write> all(long n) {
            List<Write> w = new ArrayList<>();
            for (int i = 0; i < DIRS * FILES; i++) {
                w.add(Write.set(key(i), value(n + i)));
            }
            return w;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            disk.close();
            memory.close();
            deleteTree(dir);
        }
    }

    /** The same content in a repository written by hand with JGit's plumbing. */
    @State(Scope.Benchmark)
    public static class Raw {
        Path dir;
        Repository repo;
        long n;
        long time = 1_767_225_600L;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            dir = tempDir("jgit-bench");
            repo = new FileRepository(dir.resolve("raw.git").toFile());
            repo.create(true);
            fill();
        }

        void fill() throws IOException {
            Map<String, Map<String, byte[]>> all = new TreeMap<>();
            for (int i = 0; i < DIRS * FILES; i++) {
                all.computeIfAbsent("d" + i / FILES, d -> new TreeMap<>()).put("k" + i % FILES, value(i));
            }
            commit(all);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            repo.close();
            deleteTree(dir);
        }

        record E(byte[] name, FileMode mode, ObjectId id) {}

        static List<E> entries(ObjectReader r, ObjectId tree) throws IOException {
            List<E> out = new ArrayList<>();
            if (tree == null) {
                return out;
            }
            try (TreeWalk tw = new TreeWalk(r)) {
                tw.addTree(tree);
                tw.setRecursive(false);
                while (tw.next()) {
                    out.add(new E(tw.getRawPath().clone(), tw.getFileMode(0), tw.getObjectId(0)));
                }
            }
            return out;
        }

        static ObjectId write(ObjectInserter ins, List<E> entries) throws IOException {
            entries.sort((a, b) -> Arrays.compareUnsigned(sortName(a), sortName(b)));
            TreeFormatter f = new TreeFormatter();
            for (E e : entries) {
                f.append(e.name, e.mode, e.id);
            }
            return ins.insert(f);
        }

        static byte[] sortName(E e) {
            if (e.mode != FileMode.TREE) {
                return e.name;
            }
            byte[] n = Arrays.copyOf(e.name, e.name.length + 1);
            n[e.name.length] = '/';
            return n;
        }

        /** One commit setting {@code changes} (directory -> name -> value) on the head. */
        ObjectId commit(Map<String, Map<String, byte[]>> changes) throws IOException {
            Ref head = repo.exactRef("refs/heads/main");
            ObjectId old = head == null ? null : head.getObjectId();
            try (ObjectInserter ins = repo.newObjectInserter(); ObjectReader rd = ins.newReader(); RevWalk rw = new RevWalk(rd)) {
                ObjectId rootId = old == null ? null : rw.parseCommit(old).getTree();
                List<E> root = entries(rd, rootId);
                for (Map.Entry<String, Map<String, byte[]>> dir : changes.entrySet()) {
                    byte[] dirName = dir.getKey().getBytes(StandardCharsets.UTF_8);
                    int at = -1;
                    for (int i = 0; i < root.size(); i++) {
                        if (Arrays.equals(root.get(i).name, dirName)) {
                            at = i;
                        }
                    }
                    List<E> sub = entries(rd, at < 0 ? null : root.get(at).id);
                    for (Map.Entry<String, byte[]> v : dir.getValue().entrySet()) {
                        byte[] name = v.getKey().getBytes(StandardCharsets.UTF_8);
                        ObjectId blob = ins.insert(Constants.OBJ_BLOB, v.getValue());
                        sub.removeIf(e -> Arrays.equals(e.name, name));
                        sub.add(new E(name, FileMode.REGULAR_FILE, blob));
                    }
                    E replaced = new E(dirName, FileMode.TREE, write(ins, sub));
                    if (at < 0) {
                        root.add(replaced);
                    } else {
                        root.set(at, replaced);
                    }
                }
                ObjectId tree = write(ins, root);
                PersonIdent who = new PersonIdent("bench", "bench@example.org", Instant.ofEpochSecond(time++), ZoneOffset.UTC);
                CommitBuilder cb = new CommitBuilder();
                cb.setTreeId(tree);
                if (old != null) {
                    cb.setParentId(old);
                }
                cb.setAuthor(who);
                cb.setCommitter(who);
                cb.setMessage("commit");
                ObjectId c = ins.insert(cb);
                ins.flush();
                RefUpdate u = repo.updateRef("refs/heads/main");
                u.setExpectedOldObjectId(old == null ? ObjectId.zeroId() : old);
                u.setNewObjectId(c);
                u.setForceUpdate(true);
                RefUpdate.Result res = u.update(rw);
                if (res != RefUpdate.Result.NEW && res != RefUpdate.Result.FORCED && res != RefUpdate.Result.FAST_FORWARD) {
                    throw new IOException("ref update " + res);
                }
                return c;
            }
        }

        byte[] get(String path) throws IOException {
            Ref head = repo.exactRef("refs/heads/main");
            try (ObjectReader rd = repo.newObjectReader(); RevWalk rw = new RevWalk(rd)) {
                RevCommit c = rw.parseCommit(head.getObjectId());
                try (TreeWalk tw = TreeWalk.forPath(rd, path, c.getTree())) {
                    return rd.open(tw.getObjectId(0), Constants.OBJ_BLOB).getBytes();
                }
            }
        }
    }

    /**
     * The same by hand on JGit's own in-memory DFS repository, compacting its packs as the store
     * does (at 48 packs, all but the 8 largest into one), so that both pay the same pack costs.
     */
    @State(Scope.Benchmark)
    public static class RawMemory extends Raw {
        @Override
        @Setup(Level.Trial)
        public void setup() throws Exception {
            repo = new InMemoryRepository(new DfsRepositoryDescription("raw"));
            fill();
        }

        @Override
        @TearDown(Level.Trial)
        public void tearDown() {
            repo.close();
        }

        @Override
        ObjectId commit(Map<String, Map<String, byte[]>> changes) throws IOException {
            ObjectId c = super.commit(changes);
            InMemoryRepository m = (InMemoryRepository) repo;
            DfsPackFile[] packs = m.getObjectDatabase().getPacks();
            if (packs.length >= 48) {
                DfsPackFile[] bySize = packs.clone();
                Arrays.sort(bySize, Comparator.comparingLong(p -> p.getPackDescription().getFileSize(PackExt.PACK)));
                DfsPackCompactor compactor = new DfsPackCompactor(m);
                for (int i = 0; i < bySize.length - 8; i++) {
                    compactor.add(bySize[i]);
                }
                compactor.compact(NullProgressMonitor.INSTANCE);
            }
            return c;
        }
    }

    /** 10,000 commits, written by the store; walked by the store and by a RevWalk. */
    @State(Scope.Benchmark)
    public static class History {
        Path dir;
        GitStore store;
        Repository raw;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            dir = tempDir("gitstore-history");
            Path repo = dir.resolve("history.git");
            store = GitStore.openBare(repo, clock());
            for (int i = 0; i < 10_000; i++) {
                store.main().set(key(i % 100), value(i), CommitInfo.of(AUTHOR, "commit " + i));
            }
            raw = new FileRepository(repo.toFile());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
            raw.close();
            deleteTree(dir);
        }
    }

    @Benchmark
    public Commit storeCommit1(Store s) throws GitStoreException {
        long n = s.n++;
        return s.main.set(key((int) (n % 100)), value(n), CommitInfo.of(AUTHOR, "commit"));
    }

    @Benchmark
    public ObjectId jgitCommit1(Raw r) throws IOException {
        long n = r.n++;
        int i = (int) (n % 100);
        return r.commit(Map.of("d" + i / FILES, Map.of("k" + i % FILES, value(n))));
    }

    @Benchmark
    public Commit storeMemoryCommit1(Store s) throws GitStoreException {
        long n = s.n++;
        return s.mainMemory.set(key((int) (n % 100)), value(n), CommitInfo.of(AUTHOR, "commit"));
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public Commit storeCommit100(Store s) throws GitStoreException {
        s.n += 100;
        return s.main.apply(Store.all(s.n), CommitInfo.of(AUTHOR, "batch"));
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public ObjectId jgitCommit100(Raw r) throws IOException {
        r.n += 100;
        Map<String, Map<String, byte[]>> all = new TreeMap<>();
        for (int i = 0; i < DIRS * FILES; i++) {
            all.computeIfAbsent("d" + i / FILES, d -> new TreeMap<>()).put("k" + i % FILES, value(r.n + i));
        }
        return r.commit(all);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public Commit storeMemoryCommit100(Store s) throws GitStoreException {
        s.n += 100;
        return s.mainMemory.apply(Store.all(s.n), CommitInfo.of(AUTHOR, "batch"));
    }

    @Benchmark
    public ObjectId jgitMemoryCommit1(RawMemory r) throws IOException {
        return jgitCommit1(r);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public ObjectId jgitMemoryCommit100(RawMemory r) throws IOException {
        return jgitCommit100(r);
    }

    @Benchmark
    public byte[] jgitMemoryGet(RawMemory r) throws IOException {
        return jgitGet(r);
    }

    @Benchmark
    public byte[] storeGet(Store s) throws GitStoreException {
        return s.main.get(key((int) (s.n++ % 100))).orElseThrow();
    }

    @Benchmark
    public byte[] storeMemoryGet(Store s) throws GitStoreException {
        return s.mainMemory.get(key((int) (s.n++ % 100))).orElseThrow();
    }

    @Benchmark
    public byte[] jgitGet(Raw r) throws IOException {
        int i = (int) (r.n++ % 100);
        return r.get("d" + i / FILES + "/k" + i % FILES);
    }

    @Benchmark
    public int storeLog10k(History h) throws GitStoreException {
        return h.store.main().log(0, 10_000).size();
    }

    @Benchmark
    public int jgitLog10k(History h) throws IOException {
        int n = 0;
        try (RevWalk w = new RevWalk(h.raw)) {
            w.markStart(w.parseCommit(h.raw.exactRef("refs/heads/main").getObjectId()));
            for (RevCommit c : w) {
                PersonIdent a = c.getAuthorIdent();
                n += a.getName().length() + c.getFullMessage().length() + (int) a.getWhenAsInstant().getEpochSecond();
            }
        }
        return n;
    }
}
