package mirage.platform.xen.internal.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * One xenstore permission entry, {@code <perm-as-string>} (docs/misc/xenstore.txt): a letter
 * and a decimal domain id. In a node's list the first entry names the owner (who always has
 * full access) and the access of every domain not listed; the others grant one domain each.
 *
 * @param access what the domain may do
 * @param domid 0..65535
 */
public record XsPermission(Access access, int domid) {
    /** The largest domain id a permission names. */
    public static final int MAX_DOMID = 0xffff;

    /** @throws IllegalArgumentException for a domid out of range */
    public XsPermission {
        java.util.Objects.requireNonNull(access, "access");
        if (domid < 0 || domid > MAX_DOMID) {
            throw new IllegalArgumentException("domid " + domid + " out of 0.." + MAX_DOMID);
        }
    }

    /** The letters of the wire form. */
    public enum Access {
        /** {@code n}: no access. */
        NONE('n', false, false),
        /** {@code r}: read only. */
        READ('r', true, false),
        /** {@code w}: write only. */
        WRITE('w', false, true),
        /** {@code b}: read and write. */
        BOTH('b', true, true);

        private final char letter;
        private final boolean read;
        private final boolean write;

        Access(char letter, boolean read, boolean write) {
            this.letter = letter;
            this.read = read;
            this.write = write;
        }

        public char letter() {
            return letter;
        }

        public boolean read() {
            return read;
        }

        public boolean write() {
            return write;
        }

        static Access of(char c) {
            for (Access a : values()) {
                if (a.letter == c) {
                    return a;
                }
            }
            return null;
        }
    }

    /** The wire form, e.g. {@code b0}. */
    @Override
    public String toString() {
        return access.letter + Integer.toString(domid);
    }

    /** Parses one entry; null if it is not a letter {@code nrwb} and a decimal domid 0..65535. */
    public static XsPermission parse(String text) {
        if (text.length() < 2 || text.length() > 6) {
            return null;
        }
        Access a = Access.of(text.charAt(0));
        if (a == null) {
            return null;
        }
        int domid = 0;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            domid = domid * 10 + (c - '0');
        }
        return domid > MAX_DOMID ? null : new XsPermission(a, domid);
    }

    /** Parses a list of entries; null if empty or any entry is malformed. */
    public static List<XsPermission> parseAll(List<String> texts) {
        if (texts.isEmpty()) {
            return null;
        }
        List<XsPermission> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            XsPermission p = parse(t);
            if (p == null) {
                return null;
            }
            out.add(p);
        }
        return List.copyOf(out);
    }
}
