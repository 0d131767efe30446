package mirage.gitstore.internal;

import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Caches of one store: blob bytes by id (values up to {@value #MAX_CACHED_VALUE} bytes, about
 * {@value #BLOB_BUDGET} bytes in all) and parsed trees by id. Objects are immutable, so a cache
 * is never stale; when one is full it is emptied (cheap, and a hot set refills it at once).
 */
final class ObjectCache {
    static final int MAX_CACHED_VALUE = 64 * 1024;
    static final long BLOB_BUDGET = 64L * 1024 * 1024;
    static final int MAX_TREES = 100_000;

    private final ConcurrentHashMap<ObjectId, byte[]> blobs = new ConcurrentHashMap<>();
    private final AtomicLong blobBytes = new AtomicLong();
    private final ConcurrentHashMap<ObjectId, TreeMap<String, Node>> trees = new ConcurrentHashMap<>();

    byte[] blob(ObjectId id) {
        return blobs.get(id);
    }

    void putBlob(ObjectId id, byte[] value) {
        if (value.length > MAX_CACHED_VALUE) {
            return;
        }
        if (blobBytes.addAndGet(value.length + 64) > BLOB_BUDGET) {
            blobs.clear();
            blobBytes.set(0);
        }
        blobs.putIfAbsent(id.copy(), value);
    }

    TreeMap<String, Node> tree(ObjectId id) {
        return trees.get(id);
    }

    void putTree(ObjectId id, TreeMap<String, Node> entries) {
        if (trees.size() >= MAX_TREES) {
            trees.clear();
        }
        trees.putIfAbsent(id.copy(), entries);
    }
}
