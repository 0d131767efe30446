package mirage.gitstore.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import mirage.gitstore.Author;
import mirage.gitstore.Branch;
import mirage.gitstore.BranchKv;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.HeadConflictException;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.KvException;
import mirage.kv.KvRw;
import mirage.kv.Kind;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/** A branch as a {@link KvRw}: one commit per write, or per {@link #batch}. */
final class KvView implements BranchKv {
    private final JGitStore store;
    private final Branch branch;
    private final Author author;
    private volatile boolean closed;

    KvView(JGitStore store, Branch branch, Author author) {
        this.store = store;
        this.branch = branch;
        this.author = author;
    }

    @Override
    public Branch branch() {
        return branch;
    }

    private interface Read<T> {
        T run(Stage s) throws KvException;
    }

    private <T> T read(Key key, Read<T> op) throws KvException {
        check();
        JGitStore.Head h;
        try {
            h = store.head(branch.name());
        } catch (GitStoreException e) {
            throw Errors.kv(key, e);
        }
        try (Reads r = store.reads()) {
            return op.run(new Stage(h.root(), r, null));
        }
    }

    private void write(Key key, String message, boolean skipUnchanged, JGitStore.StageBody body) throws KvException {
        check();
        try {
            store.commit(branch.name(), null, body, CommitInfo.of(author, message), skipUnchanged);
        } catch (GitStoreException e) {
            throw Errors.kv(key, e);
        }
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("the key-value view is closed");
        }
        store.checkOpen();
    }

    @Override
    public Optional<Kind> exists(Key key) throws KvException {
        return read(key, s -> s.exists(key));
    }

    @Override
    public byte[] get(Key key) throws KvException {
        return read(key, s -> s.value(key).clone());
    }

    @Override
    public byte[] getPartial(Key key, long offset, int length) throws KvException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length + " must not be negative");
        }
        return read(key, s -> slice(s.value(key), offset, length));
    }

    static byte[] slice(byte[] v, long offset, int length) {
        if (offset >= v.length) {
            return new byte[0];
        }
        int from = (int) offset;
        return Arrays.copyOfRange(v, from, (int) Math.min(v.length, (long) from + length));
    }

    @Override
    public List<Entry> list(Key key) throws KvException {
        return read(key, s -> s.list(key));
    }

    @Override
    public Instant lastModified(Key key) throws KvException {
        check();
        try {
            JGitStore.Head h = store.head(branch.name());
            try (Reads r = store.reads(); RevWalk w = new RevWalk(r.reader())) {
                Node n = r.lookup(h.root(), key.segments());
                if (n == null) {
                    throw KvException.of(KvException.Reason.NOT_FOUND, key);
                }
                if (h.commit() == null) {
                    return Instant.EPOCH;
                }
                ObjectId current = n.id();
                RevCommit c = w.parseCommit(h.commit());
                while (c.getParentCount() > 0) {
                    RevCommit p = w.parseCommit(c.getParent(0));
                    Node pn = r.lookup(new Node.Dir(p.getTree()), key.segments());
                    if (pn == null || pn.getClass() != n.getClass() || !pn.id().equals(current)) {
                        break;
                    }
                    c = p;
                }
                return c.getAuthorIdent().getWhenAsInstant();
            } catch (IOException e) {
                if (e instanceof KvException kv) {
                    throw kv;
                }
                throw Stage.storage(key, e);
            }
        } catch (GitStoreException e) {
            throw Errors.kv(key, e);
        }
    }

    @Override
    public byte[] digest(Key key) throws KvException {
        return read(key, s -> s.digest(key));
    }

    @Override
    public long size(Key key) throws KvException {
        return read(key, s -> (long) s.value(key).length);
    }

    @Override
    public void set(Key key, byte[] value) throws KvException {
        byte[] copy = value.clone();
        write(key, "set " + key, false, s -> s.set(key, copy));
    }

    @Override
    public void setPartial(Key key, long offset, byte[] data) throws KvException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        byte[] copy = data.clone();
        write(key, "set " + key + " at " + offset, false, s -> s.setPartial(key, offset, copy));
    }

    @Override
    public void remove(Key key) throws KvException {
        write(key, "remove " + key, true, s -> s.remove(key));
    }

    @Override
    public void rename(Key source, Key dest) throws KvException {
        write(source, "rename " + source + " to " + dest, false, s -> s.rename(source, dest));
    }

    @Override
    public void allocate(Key key, long size, Optional<Instant> lastModified) throws KvException {
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " is negative");
        }
        write(key, "allocate " + key, false, s -> s.allocate(key, size));
    }

    @Override
    public void batch(String message, int retries, Body body) throws KvException {
        check();
        if (retries < 0) {
            throw new IllegalArgumentException("retries " + retries + " is negative");
        }
        for (int attempt = 0; ; attempt++) {
            try {
                Optional<mirage.gitstore.CommitId> start = branch.head();
                store.commit(branch.name(), start, s -> {
                    Staged staged = new Staged(s);
                    try {
                        body.run(staged);
                    } finally {
                        staged.closed = true;
                    }
                }, CommitInfo.of(author, message), true);
                return;
            } catch (HeadConflictException e) {
                if (attempt >= retries) {
                    throw Errors.kv(Key.ROOT, new GitStoreException(GitStoreException.Reason.TOO_MANY_RETRIES, null,
                            "batch: the head kept moving; gave up after " + attempt + " retries", e));
                }
            } catch (GitStoreException e) {
                throw Errors.kv(Key.ROOT, e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The staging view a batch body sees: reads and writes on one stage. */
    private final class Staged implements KvRw {
        private final Stage s;
        volatile boolean closed;

        Staged(Stage s) {
            this.s = s;
        }

        private void check() {
            if (closed) {
                throw new IllegalStateException("the batch is over");
            }
        }

        @Override
        public Optional<Kind> exists(Key key) throws KvException {
            check();
            return s.exists(key);
        }

        @Override
        public byte[] get(Key key) throws KvException {
            check();
            return s.value(key).clone();
        }

        @Override
        public byte[] getPartial(Key key, long offset, int length) throws KvException {
            check();
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("offset " + offset + " and length " + length + " must not be negative");
            }
            return slice(s.value(key), offset, length);
        }

        @Override
        public List<Entry> list(Key key) throws KvException {
            check();
            return s.list(key);
        }

        @Override
        public Instant lastModified(Key key) throws KvException {
            check();
            if (s.exists(key).isEmpty()) {
                throw KvException.of(KvException.Reason.NOT_FOUND, key);
            }
            try {
                return KvView.this.lastModified(key);
            } catch (KvException e) {
                return store.now();
            }
        }

        @Override
        public byte[] digest(Key key) throws KvException {
            check();
            return s.digest(key);
        }

        @Override
        public long size(Key key) throws KvException {
            check();
            return s.value(key).length;
        }

        @Override
        public void set(Key key, byte[] value) throws KvException {
            check();
            s.set(key, value.clone());
        }

        @Override
        public void setPartial(Key key, long offset, byte[] data) throws KvException {
            check();
            s.setPartial(key, offset, data.clone());
        }

        @Override
        public void remove(Key key) throws KvException {
            check();
            s.remove(key);
        }

        @Override
        public void rename(Key source, Key dest) throws KvException {
            check();
            s.rename(source, dest);
        }

        @Override
        public void allocate(Key key, long size, Optional<Instant> lastModified) throws KvException {
            check();
            s.allocate(key, size);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
