package mirage.platform.xen.internal.engine.xenstore;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mirage.platform.xen.internal.wire.XsPermission;

/**
 * One node of the tree, immutable: its value, its permissions (owner first), its children in
 * creation order, and its generation: the store's modification count when its value,
 * permissions or set of children last changed (what a transaction compares at commit, and
 * DIRECTORY_PART's {@code <gencnt>}).
 */
final class XsNode {
    static final byte[] EMPTY = new byte[0];

    final byte[] value;
    final List<XsPermission> perms;
    /** Children by name, in creation order; unmodifiable. */
    final Map<String, XsNode> children;
    final long generation;

    XsNode(byte[] value, List<XsPermission> perms, Map<String, XsNode> children, long generation) {
        this.value = value;
        this.perms = perms;
        this.children = children;
        this.generation = generation;
    }

    static XsNode leaf(byte[] value, List<XsPermission> perms, long generation) {
        return new XsNode(value, perms, Collections.emptyMap(), generation);
    }

    XsNode withValue(byte[] v, long gen) {
        return new XsNode(v, perms, children, gen);
    }

    XsNode withPerms(List<XsPermission> p, long gen) {
        return new XsNode(value, p, children, gen);
    }

    /** This node with child {@code name} replaced by {@code child} (same generation unless added). */
    XsNode withChild(String name, XsNode child, long gen) {
        Map<String, XsNode> c = new LinkedHashMap<>(children);
        boolean added = c.put(name, child) == null;
        return new XsNode(value, perms, Collections.unmodifiableMap(c), added ? gen : generation);
    }

    XsNode withoutChild(String name, long gen) {
        Map<String, XsNode> c = new LinkedHashMap<>(children);
        c.remove(name);
        return new XsNode(value, perms, Collections.unmodifiableMap(c), gen);
    }

    int owner() {
        return perms.get(0).domid();
    }

    /** Nodes in this subtree, itself included. */
    int size() {
        int n = 1;
        for (XsNode c : children.values()) {
            n += c.size();
        }
        return n;
    }

    @Override
    public String toString() {
        return "XsNode[" + new String(value, java.nio.charset.StandardCharsets.UTF_8) + " " + perms + " "
                + children.keySet() + " gen " + generation + "]";
    }

    boolean sameValue(byte[] v) {
        return Arrays.equals(value, v);
    }
}
