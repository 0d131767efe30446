package mirage.gitstore.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mirage.gitstore.GitStoreException;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.KvException;
import mirage.kv.KvException.Reason;
import mirage.kv.Kind;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * A working tree over a commit's root: key-value reads and writes with mirage-kv semantics,
 * path-copying (a write copies only the dictionaries on its path, once per stage), then
 * {@link #persist} writes the dirty trees. Confined to one thread.
 */
final class Stage {
    /** Git's tree order: names as bytes, a tree's name compared as if followed by '/'. */
    private static final Comparator<byte[]> GIT_ORDER = Arrays::compareUnsigned;

    private final Reads reads;
    private final ObjectInserter inserter;
    private Node.Dir root;
    private boolean changed;

    /** @param inserter null for a stage that only reads */
    Stage(Node.Dir root, Reads reads, ObjectInserter inserter) {
        this.root = root;
        this.reads = reads;
        this.inserter = inserter;
    }

    static Node.Dir emptyRoot() {
        return new Node.Dir(new TreeMap<>());
    }

    Node.Dir root() {
        return root;
    }

    boolean changed() {
        return changed;
    }

    static void checkKey(Key key) {
        for (String s : key.segments()) {
            if (s.equalsIgnoreCase(".git")) {
                throw new IllegalArgumentException("key " + key + ": git refuses a path segment \".git\"");
            }
        }
    }

    // ---------------------------------------------------------------- reads

    Node lookup(Key key) throws KvException {
        try {
            return reads.lookup(root, key.segments());
        } catch (IOException e) {
            throw storage(key, e);
        }
    }

    Optional<Kind> exists(Key key) throws KvException {
        Node n = lookup(key);
        return n == null ? Optional.empty() : Optional.of(n instanceof Node.Blob ? Kind.VALUE : Kind.DICTIONARY);
    }

    byte[] value(Key key) throws KvException {
        Node n = lookup(key);
        if (n == null) {
            throw KvException.of(Reason.NOT_FOUND, key);
        }
        if (!(n instanceof Node.Blob b)) {
            throw KvException.of(Reason.VALUE_EXPECTED, key);
        }
        try {
            return reads.blob(b.id);
        } catch (IOException e) {
            throw storage(key, e);
        }
    }

    List<Entry> list(Key key) throws KvException {
        Node n = lookup(key);
        if (n == null) {
            throw KvException.of(Reason.NOT_FOUND, key);
        }
        if (!(n instanceof Node.Dir d)) {
            throw KvException.of(Reason.DICTIONARY_EXPECTED, key);
        }
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : entries(d, key).entrySet()) {
            out.add(new Entry(key.append(e.getKey()), e.getValue() instanceof Node.Blob ? Kind.VALUE : Kind.DICTIONARY));
        }
        return out;
    }

    byte[] digest(Key key) throws KvException {
        Node n = lookup(key);
        if (n == null) {
            throw KvException.of(Reason.NOT_FOUND, key);
        }
        return digest(key, n);
    }

    private byte[] digest(Key key, Node n) throws KvException {
        MessageDigest md = sha256();
        if (n instanceof Node.Blob b) {
            try {
                return md.digest(reads.blob(b.id));
            } catch (IOException e) {
                throw storage(key, e);
            }
        }
        for (Map.Entry<String, Node> e : entries((Node.Dir) n, key).entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            md.update((byte) (e.getValue() instanceof Node.Blob ? 1 : 2));
            md.update(new byte[] {(byte) (name.length >>> 24), (byte) (name.length >>> 16), (byte) (name.length >>> 8), (byte) name.length});
            md.update(name);
            md.update(digest(key.append(e.getKey()), e.getValue()));
        }
        return md.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private TreeMap<String, Node> entries(Node.Dir d, Key key) throws KvException {
        try {
            return reads.entries(d);
        } catch (IOException e) {
            throw storage(key, e);
        }
    }

    static KvException storage(Key key, IOException e) {
        GitStoreException g = Errors.storage("reading " + key, e);
        return new KvException(Reason.STORAGE, key, null, g.getMessage(), g);
    }

    // ---------------------------------------------------------------- writes

    /** The KvRw write checks: root, value ancestor, dictionary at the key. */
    void checkWritable(Key key) throws KvException {
        checkKey(key);
        if (key.isRoot()) {
            throw KvException.of(Reason.VALUE_EXPECTED, key);
        }
        Node n = root;
        List<String> segs = key.segments();
        for (int i = 0; i < segs.size(); i++) {
            if (n instanceof Node.Blob) {
                throw KvException.of(Reason.DICTIONARY_EXPECTED, new Key(segs.subList(0, i)));
            }
            n = entries((Node.Dir) n, key).get(segs.get(i));
            if (n == null) {
                return;
            }
        }
        if (n instanceof Node.Dir) {
            throw KvException.of(Reason.VALUE_EXPECTED, key);
        }
    }

    void set(Key key, byte[] value) throws KvException {
        checkWritable(key);
        ObjectId id;
        try {
            id = inserter.insert(Constants.OBJ_BLOB, value);
        } catch (IOException e) {
            throw storage(key, e);
        }
        put(key, new Node.Blob(id));
    }

    /** Binds {@code key} to {@code node} (a checked key). */
    private void put(Key key, Node node) throws KvException {
        root = put(root, key, 0, node);
        changed = true;
    }

    private Node.Dir put(Node.Dir dir, Key key, int i, Node node) throws KvException {
        Node.Dir d = mutable(dir, key);
        String name = key.segments().get(i);
        if (i == key.depth() - 1) {
            d.entries.put(name, node);
        } else {
            Node child = d.entries.get(name);
            Node.Dir sub = child instanceof Node.Dir cd ? cd : emptyRoot();
            d.entries.put(name, put(sub, key, i + 1, node));
        }
        return d;
    }

    private Node.Dir mutable(Node.Dir dir, Key key) throws KvException {
        if (dir.dirty()) {
            return dir;
        }
        return new Node.Dir(new TreeMap<>(entries(dir, key)));
    }

    void remove(Key key) throws KvException {
        checkKey(key);
        if (key.isRoot()) {
            root = emptyRoot();
            changed = true;
            return;
        }
        if (lookup(key) == null) {
            return;
        }
        Node.Dir r = remove(root, key, 0);
        root = r == null ? emptyRoot() : r;
        changed = true;
    }

    /** The dictionary without {@code key}; null if it became empty. */
    private Node.Dir remove(Node.Dir dir, Key key, int i) throws KvException {
        Node.Dir d = mutable(dir, key);
        String name = key.segments().get(i);
        if (i == key.depth() - 1) {
            d.entries.remove(name);
        } else {
            Node.Dir sub = remove((Node.Dir) d.entries.get(name), key, i + 1);
            if (sub == null) {
                d.entries.remove(name);
            } else {
                d.entries.put(name, sub);
            }
        }
        return d.entries.isEmpty() ? null : d;
    }

    void setPartial(Key key, long offset, byte[] data) throws KvException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        checkWritable(key);
        Node n = lookup(key);
        byte[] before = n == null ? new byte[0] : value(key);
        long end = offset + data.length;
        if (end > Integer.MAX_VALUE - 16) {
            throw KvException.of(Reason.NO_SPACE, key);
        }
        byte[] after = Arrays.copyOf(before, (int) Math.max(before.length, end));
        System.arraycopy(data, 0, after, (int) offset, data.length);
        set(key, after);
    }

    void rename(Key source, Key dest) throws KvException {
        checkKey(source);
        checkKey(dest);
        if (source.isPrefixOf(dest)) {
            throw new KvException(Reason.RENAME_SOURCE_PREFIX, source, dest,
                    "cannot rename " + source + " to " + dest + ": the source is a prefix of the destination", null);
        }
        Node n = lookup(source);
        if (n == null) {
            throw KvException.of(Reason.NOT_FOUND, source);
        }
        if (n instanceof Node.Blob && dest.isRoot()) {
            throw KvException.of(Reason.VALUE_EXPECTED, dest);
        }
        List<String> segs = dest.segments();
        Node walk = root;
        for (int i = 0; i < segs.size() - 1 && walk != null; i++) {
            walk = entries((Node.Dir) walk, dest).get(segs.get(i));
            if (walk instanceof Node.Blob) {
                throw KvException.of(Reason.DICTIONARY_EXPECTED, new Key(segs.subList(0, i + 1)));
            }
        }
        remove(source);
        if (dest.isRoot()) {
            root = (Node.Dir) n;
            changed = true;
            return;
        }
        remove(dest);
        put(dest, n);
    }

    void allocate(Key key, long size) throws KvException {
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " is negative");
        }
        checkKey(key);
        if (exists(key).isPresent()) {
            throw KvException.of(Reason.ALREADY_PRESENT, key);
        }
        checkWritable(key);
        if (size > Integer.MAX_VALUE - 16) {
            throw KvException.of(Reason.NO_SPACE, key);
        }
        set(key, new byte[(int) size]);
    }

    // ---------------------------------------------------------------- persist

    /** Writes every dirty tree; the root's id. */
    ObjectId persist() throws IOException {
        return persist(root);
    }

    private ObjectId persist(Node.Dir d) throws IOException {
        ObjectId id = d.id();
        if (id != null) {
            return id;
        }
        int n = d.entries.size();
        byte[][] names = new byte[n][];
        Node[] nodes = new Node[n];
        Integer[] order = new Integer[n];
        int i = 0;
        for (Map.Entry<String, Node> e : d.entries.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (e.getValue() instanceof Node.Dir) {
                name = Arrays.copyOf(name, name.length + 1);
                name[name.length - 1] = '/';
            }
            names[i] = name;
            nodes[i] = e.getValue();
            order[i] = i;
            i++;
        }
        Arrays.sort(order, (a, b) -> GIT_ORDER.compare(names[a], names[b]));
        TreeFormatter f = new TreeFormatter(n * 40);
        for (int k : order) {
            Node node = nodes[k];
            byte[] name = names[k];
            if (node instanceof Node.Dir sub) {
                f.append(name, 0, name.length - 1, FileMode.TREE, persist(sub));
            } else {
                f.append(name, 0, name.length, FileMode.REGULAR_FILE, node.id());
            }
        }
        id = inserter.insert(f);
        d.written(id);
        return id;
    }
}
