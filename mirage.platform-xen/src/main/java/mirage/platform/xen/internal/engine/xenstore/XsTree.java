package mirage.platform.xen.internal.engine.xenstore;

import mirage.platform.xen.internal.wire.XsPath;

/** Path operations on a persistent tree: each returns a new root, sharing what did not change. */
final class XsTree {
    private XsTree() {}

    /** The node at absolute {@code path}, or null. */
    static XsNode lookup(XsNode root, String path) {
        if (path.equals(XsPath.ROOT)) {
            return root;
        }
        XsNode n = root;
        int at = 1;
        while (n != null) {
            int slash = path.indexOf('/', at);
            String seg = slash < 0 ? path.substring(at) : path.substring(at, slash);
            n = n.children.get(seg);
            if (slash < 0) {
                return n;
            }
            at = slash + 1;
        }
        return null;
    }

    /**
     * {@code root} with the node at {@code path} set to {@code node}; its parent must exist. A
     * parent gaining a child takes generation {@code gen}.
     */
    static XsNode put(XsNode root, String path, XsNode node, long gen) {
        if (path.equals(XsPath.ROOT)) {
            return node;
        }
        return put(root, path, 1, node, gen);
    }

    private static XsNode put(XsNode at, String path, int from, XsNode node, long gen) {
        int slash = path.indexOf('/', from);
        if (slash < 0) {
            return at.withChild(path.substring(from), node, gen);
        }
        String seg = path.substring(from, slash);
        XsNode child = at.children.get(seg);
        if (child == null) {
            throw new IllegalStateException("no parent for " + path);
        }
        return at.withChild(seg, put(child, path, slash + 1, node, gen), gen);
    }

    /** {@code root} without the subtree at {@code path} (not the root); its parent takes {@code gen}. */
    static XsNode remove(XsNode root, String path, long gen) {
        String parent = XsPath.parent(path);
        XsNode p = lookup(root, parent);
        return put(root, parent, p.withoutChild(XsPath.leaf(path), gen), gen);
    }
}
