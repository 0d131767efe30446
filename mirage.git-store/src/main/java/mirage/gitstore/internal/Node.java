package mirage.gitstore.internal;

import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A node of a commit's tree held in memory: a value (a blob id) or a dictionary. Dictionaries
 * read from the repository load their entries on first use and are then immutable and shared
 * between threads. A dictionary made by a {@link Stage} is "dirty" (no id yet) and owned by that
 * stage alone until {@link Stage#persist} writes it and sets its id.
 */
sealed abstract class Node permits Node.Blob, Node.Dir {

    /** The git object id, or null for a dirty dictionary. */
    abstract ObjectId id();

    /** A value: the id of its blob. */
    static final class Blob extends Node {
        final ObjectId id;

        Blob(ObjectId id) {
            this.id = id.copy();
        }

        @Override
        ObjectId id() {
            return id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Blob b && b.id.equals(id);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }
    }

    /** A dictionary: a git tree. */
    static final class Dir extends Node {
        private volatile ObjectId id;
        /** Entries by name; null until loaded. Never modified once {@link #id} is set. */
        volatile TreeMap<String, Node> entries;

        /** A tree in the repository, not yet loaded. */
        Dir(ObjectId id) {
            this.id = id.copy();
        }

        /** A dirty dictionary with these entries (taken, not copied). */
        Dir(TreeMap<String, Node> entries) {
            this.entries = entries;
        }

        @Override
        ObjectId id() {
            return id;
        }

        boolean dirty() {
            return id == null;
        }

        void written(ObjectId written) {
            id = written;
        }
    }

    /** Same content: equal ids (two dirty dictionaries are never "same"). */
    static boolean same(Node a, Node b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.getClass() != b.getClass()) {
            return false;
        }
        ObjectId x = a.id();
        return x != null && x.equals(b.id());
    }
}
