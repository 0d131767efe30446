package mirage.gitstore.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import mirage.gitstore.MergeFunction;
import mirage.gitstore.MergePolicy;
import mirage.gitstore.MergeResult;
import mirage.kv.Key;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * Three-way merge of trees. Subtrees equal on two sides are taken whole without being read; a
 * key changed on one side only takes that side; a key changed on both sides to different values
 * goes to the policy's merge function; a value on one side where the other has a dictionary is a
 * conflict. The merged trees are dirty {@link Node.Dir}s for {@link Stage#persist}.
 */
final class Merger {
    private final Reads reads;
    private final ObjectInserter inserter;
    private final MergePolicy policy;
    private final Instant oursTime;
    private final Instant theirsTime;
    final List<MergeResult.Conflict> conflicts = new ArrayList<>();

    Merger(Reads reads, ObjectInserter inserter, MergePolicy policy, Instant oursTime, Instant theirsTime) {
        this.reads = reads;
        this.inserter = inserter;
        this.policy = policy;
        this.oursTime = oursTime;
        this.theirsTime = theirsTime;
    }

    /** The merged root (possibly empty); check {@link #conflicts} first. */
    Node.Dir mergeRoots(Node.Dir base, Node.Dir ours, Node.Dir theirs) throws IOException {
        Node.Dir d = mergeDirs(Key.ROOT, base, ours, theirs);
        return d == null ? Stage.emptyRoot() : d;
    }

    private Node.Dir mergeDirs(Key key, Node.Dir base, Node.Dir ours, Node.Dir theirs) throws IOException {
        if (Node.same(ours, theirs) || Node.same(base, theirs)) {
            return ours;
        }
        if (Node.same(base, ours)) {
            return theirs;
        }
        Map<String, Node> b = base == null ? Map.of() : reads.entries(base);
        Map<String, Node> o = ours == null ? Map.of() : reads.entries(ours);
        Map<String, Node> t = theirs == null ? Map.of() : reads.entries(theirs);
        TreeSet<String> names = new TreeSet<>(o.keySet());
        names.addAll(t.keySet());
        names.addAll(b.keySet());
        TreeMap<String, Node> out = new TreeMap<>();
        for (String name : names) {
            Node m = mergeNode(key.append(name), b.get(name), o.get(name), t.get(name));
            if (m != null) {
                out.put(name, m);
            }
        }
        return out.isEmpty() ? null : new Node.Dir(out);
    }

    private Node mergeNode(Key key, Node base, Node ours, Node theirs) throws IOException {
        if (Node.same(ours, theirs) || Node.same(base, theirs)) {
            return ours;
        }
        if (Node.same(base, ours)) {
            return theirs;
        }
        boolean oursDir = ours instanceof Node.Dir;
        boolean theirsDir = theirs instanceof Node.Dir;
        boolean oursBlob = ours instanceof Node.Blob;
        boolean theirsBlob = theirs instanceof Node.Blob;
        if (!oursBlob && !theirsBlob) {
            return mergeDirs(key, base instanceof Node.Dir bd ? bd : null, (Node.Dir) ours, (Node.Dir) theirs);
        }
        if (!oursDir && !theirsDir) {
            MergeFunction f = policy.functionFor(key);
            MergeFunction.Resolution r = f.merge(new MergeFunction.Input(key,
                    base instanceof Node.Blob bb ? Optional.of(reads.blob(bb.id).clone()) : Optional.empty(),
                    value(ours), value(theirs), oursTime, theirsTime));
            return switch (r) {
                case MergeFunction.Resolution.Conflict c -> {
                    conflicts.add(new MergeResult.Conflict(key, c.reason()));
                    yield ours;
                }
                case MergeFunction.Resolution.Resolved v -> v.value().isEmpty() ? null
                        : new Node.Blob(inserter.insert(Constants.OBJ_BLOB, v.value().get()));
            };
        }
        conflicts.add(new MergeResult.Conflict(key, "a value on one side, a dictionary on the other"));
        return ours;
    }

    private Optional<byte[]> value(Node n) throws IOException {
        return n instanceof Node.Blob b ? Optional.of(reads.blob(b.id).clone()) : Optional.empty();
    }
}
