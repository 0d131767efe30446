package mirage.gitstore.internal;

import java.io.IOException;
import java.util.TreeMap;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;

/**
 * Object reads for one operation on one thread: opens a JGit reader only when a cache misses.
 * Blob arrays returned are shared with the cache: callers copy before handing them out.
 */
final class Reads implements AutoCloseable {
    private final Repository repo;
    private final ObjectCache cache;
    private final ObjectInserter inserter;
    private ObjectReader reader;

    Reads(Repository repo, ObjectCache cache) {
        this(repo, cache, null);
    }

    /** Reads that also see what {@code inserter} wrote and has not flushed yet. */
    Reads(Repository repo, ObjectCache cache, ObjectInserter inserter) {
        this.repo = repo;
        this.cache = cache;
        this.inserter = inserter;
    }

    ObjectReader reader() {
        if (reader == null) {
            reader = inserter != null ? inserter.newReader() : repo.newObjectReader();
        }
        return reader;
    }

    /** The bytes of blob {@code id} (shared: do not modify). */
    byte[] blob(ObjectId id) throws IOException {
        byte[] b = cache.blob(id);
        if (b != null) {
            return b;
        }
        b = reader().open(id, Constants.OBJ_BLOB).getBytes(Integer.MAX_VALUE - 16);
        cache.putBlob(id, b);
        return b;
    }

    /** The entries of {@code dir}, loading them if needed (shared: do not modify unless dirty). */
    TreeMap<String, Node> entries(Node.Dir dir) throws IOException {
        TreeMap<String, Node> e = dir.entries;
        if (e != null) {
            return e;
        }
        ObjectId id = dir.id();
        e = cache.tree(id);
        if (e == null) {
            byte[] raw = reader().open(id, Constants.OBJ_TREE).getCachedBytes();
            try {
                e = TreeParser.parse(raw);
            } catch (TreeParser.BadTree bad) {
                throw new CorruptObjectException(id, bad.getMessage());
            }
            cache.putTree(id, e);
        }
        dir.entries = e;
        return e;
    }

    /** Walks {@code key}'s segments from {@code root}: the node, or null if unbound (a value ancestor unbinds it). */
    Node lookup(Node.Dir root, java.util.List<String> segments) throws IOException {
        Node n = root;
        for (String s : segments) {
            if (!(n instanceof Node.Dir d)) {
                return null;
            }
            n = entries(d).get(s);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
