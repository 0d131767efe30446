package mirage.gitstore.internal;

import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import mirage.gitstore.Author;
import mirage.gitstore.Branch;
import mirage.gitstore.Change;
import mirage.gitstore.Commit;
import mirage.gitstore.CommitId;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.GitStoreException.Reason;
import mirage.gitstore.HeadConflictException;
import mirage.gitstore.MergePolicy;
import mirage.gitstore.MergeResult;
import mirage.gitstore.Snapshot;
import mirage.gitstore.Watch;
import mirage.kv.Key;
import mirage.kv.KvException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.internal.storage.dfs.DfsPackCompactor;
import org.eclipse.jgit.internal.storage.dfs.DfsPackFile;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;

/**
 * The store on any JGit {@link Repository}. Heads are cached per branch (with their parsed
 * root tree), so reads at a head touch no ref and, with the object cache, no object database.
 * Every head move goes through {@link #move} under one lock, which also keeps the cache equal
 * to the refs and orders watch events; objects are written outside the lock.
 */
public final class JGitStore implements GitStore {
    static final int MAX_RETRIES = 64;
    private static final int COMPACT_AT_PACKS = 48;

    final Repository repo;
    final InstantSource clock;
    final ObjectCache cache = new ObjectCache();
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentHashMap<String, Head> heads = new ConcurrentHashMap<>();
    private final Watchers watchers = new Watchers(this);
    private volatile boolean closed;

    /** A branch head: its commit, root and time. {@code commit} null: no branch (never cached). */
    record Head(ObjectId commit, Node.Dir root, Instant time) {
        static Head none() {
            return new Head(null, Stage.emptyRoot(), Instant.EPOCH);
        }

        Optional<CommitId> id() {
            return Optional.ofNullable(commit).map(JGitStore::id);
        }
    }

    /** Work done on a stage for one commit. */
    @FunctionalInterface
    interface StageBody {
        void run(Stage stage) throws KvException;
    }

    JGitStore(Repository repo, InstantSource clock) {
        this.repo = repo;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    static CommitId id(ObjectId o) {
        return new CommitId(o.name());
    }

    static ObjectId oid(CommitId c) {
        return ObjectId.fromString(c.hex());
    }

    static String refName(String branch) {
        return Constants.R_HEADS + branch;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the git store is closed");
        }
    }

    Reads reads() {
        return new Reads(repo, cache);
    }

    // ------------------------------------------------------------------ GitStore

    @Override
    public Branch branch(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || !Repository.isValidRefName(refName(name))) {
            throw new IllegalArgumentException("\"" + name + "\" is not a valid git branch name");
        }
        return new JGitBranch(this, name);
    }

    @Override
    public List<String> branches() throws GitStoreException {
        checkOpen();
        try {
            TreeSet<String> out = new TreeSet<>();
            for (Ref r : repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                out.add(r.getName().substring(Constants.R_HEADS.length()));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw Errors.storage("listing branches", e);
        }
    }

    @Override
    public Commit commit(CommitId id) throws GitStoreException {
        checkOpen();
        try (RevWalk w = new RevWalk(repo)) {
            return toCommit(w.parseCommit(oid(id)));
        } catch (MissingObjectException e) {
            throw new GitStoreException(Reason.NOT_FOUND, null, "no commit " + id, e);
        } catch (IOException e) {
            throw Errors.storage("reading commit " + id, e);
        }
    }

    @Override
    public Snapshot snapshot(CommitId id) throws GitStoreException {
        checkOpen();
        Head h = loadHead(oid(id));
        return new SnapshotImpl(this, h);
    }

    @Override
    public List<Commit> log(CommitId from, int skip, int limit) throws GitStoreException {
        checkOpen();
        return log(oid(from), skip, limit);
    }

    List<Commit> log(ObjectId from, int skip, int limit) throws GitStoreException {
        if (skip < 0 || limit < 0) {
            throw new IllegalArgumentException("skip " + skip + " and limit " + limit + " must not be negative");
        }
        List<Commit> out = new ArrayList<>(Math.min(limit, 1024));
        if (from == null || limit == 0) {
            return out;
        }
        try (RevWalk w = new RevWalk(repo)) {
            w.sort(RevSort.COMMIT_TIME_DESC);
            w.markStart(w.parseCommit(from));
            int seen = 0;
            for (RevCommit c : w) {
                if (seen++ < skip) {
                    continue;
                }
                out.add(toCommit(c));
                if (out.size() == limit) {
                    break;
                }
            }
            return out;
        } catch (MissingObjectException e) {
            throw new GitStoreException(Reason.NOT_FOUND, null, "no commit " + from.name(), e);
        } catch (IOException e) {
            throw Errors.storage("walking history", e);
        }
    }

    @Override
    public List<Change> diff(Optional<CommitId> from, CommitId to) throws GitStoreException {
        checkOpen();
        Head a = from.isPresent() ? loadHead(oid(from.get())) : Head.none();
        Head b = loadHead(oid(to));
        return diff(a.root(), b.root());
    }

    List<Change> diff(Node.Dir a, Node.Dir b) throws GitStoreException {
        List<Change> out = new ArrayList<>();
        try (Reads r = reads()) {
            diff(r, Key.ROOT, a, b, out);
        } catch (IOException e) {
            throw Errors.storage("comparing trees", e);
        }
        return out;
    }

    private static void diff(Reads r, Key key, Node a, Node b, List<Change> out) throws IOException {
        if (Node.same(a, b)) {
            return;
        }
        Node.Blob ab = a instanceof Node.Blob x ? x : null;
        Node.Blob bb = b instanceof Node.Blob x ? x : null;
        if (ab != null || bb != null) {
            out.add(new Change(key,
                    ab == null ? Optional.empty() : Optional.of(r.blob(ab.id)),
                    bb == null ? Optional.empty() : Optional.of(r.blob(bb.id))));
        }
        Map<String, Node> ae = a instanceof Node.Dir d ? r.entries(d) : Map.of();
        Map<String, Node> be = b instanceof Node.Dir d ? r.entries(d) : Map.of();
        if (ae.isEmpty() && be.isEmpty()) {
            return;
        }
        TreeSet<String> names = new TreeSet<>(ae.keySet());
        names.addAll(be.keySet());
        for (String n : names) {
            diff(r, key.append(n), ae.get(n), be.get(n), out);
        }
    }

    @Override
    public void testAndSetHead(String branch, Optional<CommitId> expected, Optional<CommitId> next) throws GitStoreException {
        checkOpen();
        branch(branch);
        Head target = next.isPresent() ? loadHead(oid(next.get())) : null;
        ObjectId old = expected.map(JGitStore::oid).orElse(null);
        if (!move(branch, old, target)) {
            throw new HeadConflictException(branch, expected.orElse(null), head(branch).id().orElse(null));
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        watchers.closeAll();
        repo.close();
    }

    // ------------------------------------------------------------------ heads

    /** The head of {@code branch} (cached); {@link Head#none()} if the branch does not exist. */
    Head head(String branch) throws GitStoreException {
        checkOpen();
        Head h = heads.get(branch);
        if (h != null) {
            return h;
        }
        lock.lock();
        try {
            h = heads.get(branch);
            if (h != null) {
                return h;
            }
            ObjectId id = readRef(branch);
            if (id == null) {
                return Head.none();
            }
            h = loadHead(id);
            heads.put(branch, h);
            return h;
        } finally {
            lock.unlock();
        }
    }

    private ObjectId readRef(String branch) throws GitStoreException {
        try {
            Ref r = repo.getRefDatabase().exactRef(refName(branch));
            if (r == null && repo.getDirectory() != null
                    && java.nio.file.Files.exists(repo.getDirectory().toPath().resolve(refName(branch)))) {
                // JGit skips a loose ref it cannot parse; writing over it would lose the branch.
                throw new IOException("the loose ref file of branch " + branch + " holds no commit id");
            }
            return r == null || r.getObjectId() == null ? null : r.getObjectId();
        } catch (IOException | RuntimeException e) {
            throw new GitStoreException(Reason.CORRUPT, null, "cannot read the ref of branch " + branch + ": " + e.getMessage(), e);
        }
    }

    /** The head that commit {@code id} would be. */
    Head loadHead(ObjectId id) throws GitStoreException {
        try (RevWalk w = new RevWalk(repo)) {
            RevCommit c = w.parseCommit(id);
            return new Head(c.copy(), new Node.Dir(c.getTree()), c.getAuthorIdent().getWhenAsInstant());
        } catch (MissingObjectException e) {
            throw new GitStoreException(Reason.NOT_FOUND, null, "no commit " + id.name(), e);
        } catch (IOException | RuntimeException e) {
            throw Errors.storage("reading commit " + id.name(), e);
        }
    }

    /**
     * Moves {@code branch} from {@code old} to {@code next} (null: delete) if it is at
     * {@code old}; false, changing nothing, if it is elsewhere.
     */
    boolean move(String branch, ObjectId old, Head next) throws GitStoreException {
        lock.lock();
        try {
            checkOpen();
            Head cur = heads.get(branch);
            ObjectId now = cur != null ? cur.commit() : readRef(branch);
            if (!Objects.equals(now, old)) {
                return false;
            }
            RefUpdate u = repo.updateRef(refName(branch));
            u.setExpectedOldObjectId(old == null ? ObjectId.zeroId() : old);
            u.setForceUpdate(true);
            u.disableRefLog();
            RefUpdate.Result res;
            if (next == null) {
                res = old == null ? RefUpdate.Result.NO_CHANGE : u.delete();
            } else {
                u.setNewObjectId(next.commit());
                res = u.update();
            }
            switch (res) {
                case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {
                }
                case LOCK_FAILURE, REJECTED, REJECTED_OTHER_REASON, REJECTED_CURRENT_BRANCH, REJECTED_MISSING_OBJECT -> {
                    heads.remove(branch);
                    if (Objects.equals(readRef(branch), old)) {
                        // Nobody moved it: the update itself failed (JGit's DFS refs report a
                        // failed write as a lock failure).
                        throw new GitStoreException(Reason.STORAGE, "moving branch " + branch + " failed: " + res);
                    }
                    return false;
                }
                default -> throw new GitStoreException(Reason.STORAGE, "moving branch " + branch + ": " + res);
            }
            if (next == null) {
                heads.remove(branch);
            } else {
                heads.put(branch, next);
            }
            watchers.moved(branch, old, next == null ? null : next.commit());
            compactIfNeeded();
            return true;
        } catch (IOException e) {
            throw Errors.storage("moving branch " + branch, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps a DFS repository's pack list short: each commit adds a pack. At
     * {@value #COMPACT_AT_PACKS} packs, all but the {@value #KEEP_LARGEST} largest are copied
     * into one (size-tiered, so a compaction costs the small packs, not the whole history).
     */
    private void compactIfNeeded() throws IOException {
        if (!(repo instanceof MemRepository m)) {
            return;
        }
        compact(m, m.getObjectDatabase().getPacks());
    }

    static final int KEEP_LARGEST = 8;

    static void compact(org.eclipse.jgit.internal.storage.dfs.DfsRepository repo, DfsPackFile[] packs) throws IOException {
        if (packs.length < COMPACT_AT_PACKS) {
            return;
        }
        DfsPackFile[] bySize = packs.clone();
        java.util.Arrays.sort(bySize, java.util.Comparator.comparingLong(
                p -> p.getPackDescription().getFileSize(org.eclipse.jgit.internal.storage.pack.PackExt.PACK)));
        DfsPackCompactor c = new DfsPackCompactor(repo);
        for (int i = 0; i < bySize.length - KEEP_LARGEST; i++) {
            c.add(bySize[i]);
        }
        c.compact(NullProgressMonitor.INSTANCE);
    }

    // ------------------------------------------------------------------ writes

    /**
     * One commit on {@code branch} of what {@code body} does on a stage of its head. With
     * {@code expected} (an {@code Optional} of the expected head, empty for "no branch") a
     * test-and-set; without (null), retried on a moved head.
     *
     * @return the commit, or null if {@code skipUnchanged} and the body changed nothing
     */
    Commit commit(String branch, Optional<CommitId> expected, StageBody body, CommitInfo info, boolean skipUnchanged)
            throws GitStoreException, KvException {
        for (int attempt = 0; ; attempt++) {
            Head h = head(branch);
            if (expected != null && !Objects.equals(h.id(), expected)) {
                throw new HeadConflictException(branch, expected.orElse(null), h.id().orElse(null));
            }
            Head next;
            Commit made;
            try (ObjectInserter ins = repo.newObjectInserter(); Reads r = new Reads(repo, cache, ins)) {
                Stage s = new Stage(h.root(), r, ins);
                body.run(s);
                if (skipUnchanged && !s.changed()) {
                    return null;
                }
                ObjectId tree = s.persist();
                Instant time = now();
                ObjectId c = insertCommit(ins, tree, info, time, h.commit());
                ins.flush();
                next = new Head(c, s.root(), time);
                made = new Commit(id(c), h.commit() == null ? List.of() : List.of(id(h.commit())), info.author(), time, info.message());
            } catch (IOException e) {
                if (e instanceof KvException kv) {
                    throw kv;
                }
                throw Errors.storage("writing to branch " + branch, e);
            }
            if (move(branch, h.commit(), next)) {
                return made;
            }
            if (expected != null) {
                throw new HeadConflictException(branch, expected.orElse(null), head(branch).id().orElse(null));
            }
            if (attempt >= MAX_RETRIES) {
                throw new GitStoreException(Reason.TOO_MANY_RETRIES, "branch " + branch + " kept moving: gave up after " + attempt + " retries");
            }
        }
    }

    Instant now() {
        return Instant.ofEpochSecond(clock.instant().getEpochSecond());
    }

    static ObjectId insertCommit(ObjectInserter ins, ObjectId tree, CommitInfo info, Instant time, ObjectId... parents) throws IOException {
        PersonIdent who = new PersonIdent(info.author().name(), info.author().email(), time, ZoneOffset.UTC);
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(tree);
        List<ObjectId> ps = new ArrayList<>();
        for (ObjectId p : parents) {
            if (p != null) {
                ps.add(p);
            }
        }
        cb.setParentIds(ps);
        cb.setAuthor(who);
        cb.setCommitter(who);
        cb.setMessage(info.message());
        return ins.insert(cb);
    }

    static Commit toCommit(RevCommit c) throws GitStoreException {
        try {
            List<CommitId> parents = new ArrayList<>(c.getParentCount());
            for (RevCommit p : c.getParents()) {
                parents.add(id(p));
            }
            PersonIdent a = c.getAuthorIdent();
            return new Commit(id(c), parents, new Author(a.getName(), a.getEmailAddress()), a.getWhenAsInstant(), c.getFullMessage());
        } catch (RuntimeException e) {
            throw new GitStoreException(Reason.CORRUPT, null, "commit " + c.name() + " cannot be read: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ merge and revert

    MergeResult merge(String branch, ObjectId theirs, CommitInfo info, MergePolicy policy) throws GitStoreException {
        Head their = loadHead(theirs);
        for (int attempt = 0; ; attempt++) {
            Head ours = head(branch);
            if (ours.commit() == null) {
                if (move(branch, null, their)) {
                    return new MergeResult.FastForward(id(theirs));
                }
                continue;
            }
            if (ours.commit().equals(theirs)) {
                return new MergeResult.UpToDate(id(theirs));
            }
            Node.Dir baseRoot;
            try (RevWalk w = new RevWalk(repo)) {
                RevCommit o = w.parseCommit(ours.commit());
                RevCommit t = w.parseCommit(theirs);
                if (w.isMergedInto(t, o)) {
                    return new MergeResult.UpToDate(id(ours.commit()));
                }
                if (w.isMergedInto(o, t)) {
                    if (move(branch, ours.commit(), their)) {
                        return new MergeResult.FastForward(id(theirs));
                    }
                    continue;
                }
                w.reset();
                w.setRevFilter(RevFilter.MERGE_BASE);
                w.markStart(w.parseCommit(ours.commit()));
                w.markStart(w.parseCommit(theirs));
                RevCommit base = w.next();
                baseRoot = base == null ? null : new Node.Dir(base.getTree());
            } catch (IOException e) {
                throw Errors.storage("finding the merge base", e);
            }
            MergeResult r = mergeTrees(branch, ours, baseRoot, their.root(), their.time(), info, policy, theirs);
            if (r != null) {
                return r;
            }
            if (attempt >= MAX_RETRIES) {
                throw new GitStoreException(Reason.TOO_MANY_RETRIES, "branch " + branch + " kept moving during a merge");
            }
        }
    }

    MergeResult revert(String branch, ObjectId commit, CommitInfo info) throws GitStoreException {
        Node.Dir base;
        Node.Dir parent;
        try (RevWalk w = new RevWalk(repo)) {
            RevCommit c = w.parseCommit(commit);
            base = new Node.Dir(c.getTree());
            parent = c.getParentCount() == 0 ? null : new Node.Dir(w.parseCommit(c.getParent(0)).getTree());
        } catch (MissingObjectException e) {
            throw new GitStoreException(Reason.NOT_FOUND, null, "no commit " + commit.name(), e);
        } catch (IOException e) {
            throw Errors.storage("reading commit " + commit.name(), e);
        }
        for (int attempt = 0; ; attempt++) {
            Head ours = head(branch);
            MergeResult r = mergeTrees(branch, ours, base, parent, ours.time(), info, MergePolicy.failOnConflict(), null);
            if (r != null) {
                return r;
            }
            if (attempt >= MAX_RETRIES) {
                throw new GitStoreException(Reason.TOO_MANY_RETRIES, "branch " + branch + " kept moving during a revert");
            }
        }
    }

    /** Merges and commits; null if the head moved meanwhile (retry). */
    private MergeResult mergeTrees(String branch, Head ours, Node.Dir base, Node.Dir theirs, Instant theirsTime,
                                   CommitInfo info, MergePolicy policy, ObjectId secondParent) throws GitStoreException {
        Head next;
        Commit made;
        try (ObjectInserter ins = repo.newObjectInserter(); Reads r = reads()) {
            Merger m = new Merger(r, ins, policy, ours.time(), theirsTime);
            Node.Dir root = m.mergeRoots(base, ours.root(), theirs == null ? Stage.emptyRoot() : theirs);
            if (!m.conflicts.isEmpty()) {
                return new MergeResult.Conflicted(m.conflicts);
            }
            Stage s = new Stage(root, r, ins);
            ObjectId tree = s.persist();
            Instant time = now();
            ObjectId c = insertCommit(ins, tree, info, time, ours.commit(), secondParent);
            ins.flush();
            next = new Head(c, s.root(), time);
            List<CommitId> parents = new ArrayList<>();
            if (ours.commit() != null) {
                parents.add(id(ours.commit()));
            }
            if (secondParent != null) {
                parents.add(id(secondParent));
            }
            made = new Commit(id(c), parents, info.author(), time, info.message());
        } catch (IOException e) {
            throw Errors.storage("merging into " + branch, e);
        }
        return move(branch, ours.commit(), next) ? new MergeResult.Merged(made) : null;
    }

    // ------------------------------------------------------------------ sync

    @Override
    public void serve(mirage.core.Flow connection) throws GitStoreException {
        checkOpen();
        java.io.InputStream in = new java.io.BufferedInputStream(FlowStreams.in(connection));
        java.io.OutputStream out = new java.io.BufferedOutputStream(FlowStreams.out(connection));
        String request;
        try {
            request = new org.eclipse.jgit.transport.PacketLineIn(in).readString();
        } catch (IOException | RuntimeException e) {
            throw new GitStoreException(Reason.PROTOCOL, null, "no git request: " + e.getMessage(), e);
        }
        GitRequest r = GitRequest.parse(request);
        try {
            switch (r.service()) {
                case "git-upload-pack" -> {
                    org.eclipse.jgit.transport.UploadPack up = new org.eclipse.jgit.transport.UploadPack(repo);
                    up.setExtraParameters(r.extraParameters());
                    up.upload(in, out, null);
                }
                case "git-receive-pack" -> receive(in, out);
                default -> throw new GitStoreException(Reason.PROTOCOL, "unknown git service " + r.service());
            }
            out.flush();
            connection.shutdown(mirage.core.Flow.Direction.WRITE);
        } catch (GitStoreException e) {
            throw e;
        } catch (org.eclipse.jgit.errors.PackProtocolException e) {
            throw new GitStoreException(Reason.PROTOCOL, null, "git client: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new GitStoreException(Reason.PROTOCOL, null, "serving " + r.service() + ": " + e.getMessage(), e);
        }
    }

    private void receive(java.io.InputStream in, java.io.OutputStream out) throws IOException {
        lock.lock();
        org.eclipse.jgit.transport.ReceivePack rp = new org.eclipse.jgit.transport.ReceivePack(repo);
        // The commands, as run: ReceivePack forgets them when it returns.
        List<org.eclipse.jgit.transport.ReceiveCommand> done = new ArrayList<>();
        rp.setPostReceiveHook((pack, commands) -> done.addAll(commands));
        try {
            checkOpen();
            rp.setAllowNonFastForwards(false);
            rp.setAtomic(true);
            rp.setCheckReceivedObjects(true);
            rp.receive(in, out, null);
        } finally {
            try {
                for (org.eclipse.jgit.transport.ReceiveCommand c : done) {
                    String ref = c.getRefName();
                    if (c.getResult() == org.eclipse.jgit.transport.ReceiveCommand.Result.OK && ref.startsWith(Constants.R_HEADS)) {
                        String branch = ref.substring(Constants.R_HEADS.length());
                        heads.remove(branch);
                        watchers.moved(branch, c.getOldId().equals(ObjectId.zeroId()) ? null : c.getOldId().copy(),
                                c.getNewId().equals(ObjectId.zeroId()) ? null : c.getNewId().copy());
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public CommitId fetch(mirage.core.Flow connection, String path, String remoteBranch) throws GitStoreException {
        checkOpen();
        branch(remoteBranch);
        String src = Constants.R_HEADS + remoteBranch;
        try (FlowTransport t = new FlowTransport(repo, connection, "mirage", path)) {
            t.setCheckFetchedObjects(true);
            try (org.eclipse.jgit.transport.FetchConnection c = t.openFetch()) {
                Ref adv = c.getRef(src);
                if (adv == null || adv.getObjectId() == null) {
                    throw new GitStoreException(Reason.NOT_FOUND, "the remote has no branch " + remoteBranch);
                }
                if (!repo.getObjectDatabase().has(adv.getObjectId())) {
                    c.fetch(NullProgressMonitor.INSTANCE, List.of(adv), java.util.Set.of());
                }
                return id(adv.getObjectId());
            }
        } catch (org.eclipse.jgit.errors.TransportException e) {
            throw new GitStoreException(Reason.PROTOCOL, null, "fetching " + remoteBranch + ": " + e.getMessage(), e);
        } catch (org.eclipse.jgit.errors.NotSupportedException e) {
            throw new GitStoreException(Reason.PROTOCOL, null, e.getMessage(), e);
        } catch (IOException e) {
            throw Errors.storage("fetching " + remoteBranch, e);
        }
    }

    @Override
    public void push(mirage.core.Flow connection, String path, String branch) throws GitStoreException {
        checkOpen();
        branch(branch);
        if (head(branch).commit() == null) {
            throw new GitStoreException(Reason.NOT_FOUND, "no branch " + branch);
        }
        String ref = refName(branch);
        try (FlowTransport t = new FlowTransport(repo, connection, "mirage", path)) {
            org.eclipse.jgit.transport.RemoteRefUpdate u = new org.eclipse.jgit.transport.RemoteRefUpdate(repo, ref, ref, false, null, null);
            org.eclipse.jgit.transport.PushResult r = t.push(NullProgressMonitor.INSTANCE, List.of(u));
            org.eclipse.jgit.transport.RemoteRefUpdate.Status st = r.getRemoteUpdate(ref).getStatus();
            switch (st) {
                case OK, UP_TO_DATE -> {
                }
                case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> throw new GitStoreException(Reason.HEAD_CONFLICT,
                        "the remote branch " + branch + " is not an ancestor of ours: fetch and merge first");
                default -> throw new GitStoreException(Reason.PROTOCOL, "pushing " + branch + ": " + st
                        + (r.getRemoteUpdate(ref).getMessage() == null ? "" : " (" + r.getRemoteUpdate(ref).getMessage() + ")"));
            }
        } catch (org.eclipse.jgit.errors.TransportException e) {
            throw new GitStoreException(Reason.PROTOCOL, null, "pushing " + branch + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw Errors.storage("pushing " + branch, e);
        }
    }

    // ------------------------------------------------------------------ watches

    Watch watch(String branch, Consumer<mirage.gitstore.BranchUpdate> listener) {
        checkOpen();
        return watchers.add(branch, listener);
    }

    /** Values of a tree below {@code prefix}, for {@link Snapshot#values}. */
    TreeMap<Key, byte[]> values(Node.Dir root, Key prefix) throws GitStoreException {
        TreeMap<Key, byte[]> out = new TreeMap<>();
        try (Reads r = reads()) {
            Node n = r.lookup(root, prefix.segments());
            collect(r, prefix, n, out);
        } catch (IOException e) {
            throw Errors.storage("reading " + prefix, e);
        }
        return out;
    }

    private static void collect(Reads r, Key key, Node n, TreeMap<Key, byte[]> out) throws IOException {
        if (n instanceof Node.Blob b) {
            out.put(key, r.blob(b.id).clone());
        } else if (n instanceof Node.Dir d) {
            for (Map.Entry<String, Node> e : r.entries(d).entrySet()) {
                collect(r, key.append(e.getKey()), e.getValue(), out);
            }
        }
    }
}
