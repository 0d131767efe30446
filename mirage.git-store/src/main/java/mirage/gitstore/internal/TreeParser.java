package mirage.gitstore.internal;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Parses a git tree object's bytes into entries ({@code <octal mode> SP <name> NUL <20-byte id>},
 * repeated). Strict: a name must be UTF-8, non-empty, not {@code "."}, {@code ".."} or
 * {@code ".git"} (any case), and unique; the mode must be one git writes. Anything else is a
 * {@link BadTree}, never another exception. Submodule entries (mode 160000) are skipped: they
 * name no content of this repository.
 */
final class TreeParser {
    private TreeParser() {}

    /** The tree's bytes are not a tree this store can read. */
    static final class BadTree extends Exception {
        private static final long serialVersionUID = 1L;

        BadTree(String message) {
            super(message);
        }
    }

    static final int MODE_TREE = 0040000;
    static final int MODE_FILE = 0100644;
    static final int MODE_EXECUTABLE = 0100755;
    static final int MODE_SYMLINK = 0120000;
    static final int MODE_GITLINK = 0160000;

    /** The entries of {@code raw} by name: a {@link Node.Dir} (not loaded) or a {@link Node.Blob}. */
    static TreeMap<String, Node> parse(byte[] raw) throws BadTree {
        TreeMap<String, Node> out = new TreeMap<>();
        int p = 0;
        int n = raw.length;
        while (p < n) {
            int mode = 0;
            int digits = 0;
            while (p < n && raw[p] != ' ') {
                int d = raw[p] - '0';
                if (d < 0 || d > 7 || digits >= 7) {
                    throw new BadTree("bad mode at byte " + p);
                }
                mode = mode * 8 + d;
                digits++;
                p++;
            }
            if (p >= n || digits == 0) {
                throw new BadTree("truncated entry mode at byte " + p);
            }
            p++;
            int nameStart = p;
            while (p < n && raw[p] != 0) {
                p++;
            }
            if (p >= n) {
                throw new BadTree("entry name without its NUL at byte " + nameStart);
            }
            String name = name(raw, nameStart, p);
            p++;
            if (n - p < 20) {
                throw new BadTree("truncated object id at byte " + p);
            }
            ObjectId id = ObjectId.fromRaw(raw, p);
            p += 20;
            Node node = switch (mode) {
                case MODE_TREE -> new Node.Dir(id);
                case MODE_FILE, MODE_EXECUTABLE, 0100664, MODE_SYMLINK -> new Node.Blob(id);
                case MODE_GITLINK -> null;
                default -> throw new BadTree("unknown mode " + Integer.toOctalString(mode) + " for \"" + name + "\"");
            };
            if (node != null && out.put(name, node) != null) {
                throw new BadTree("duplicate entry \"" + name + "\"");
            }
        }
        return out;
    }

    private static String name(byte[] raw, int from, int to) throws BadTree {
        if (to == from) {
            throw new BadTree("empty entry name at byte " + from);
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new BadTree("entry name at byte " + from + " is not UTF-8");
        }
        if (name.equals(".") || name.equals("..") || name.equalsIgnoreCase(".git") || name.indexOf('/') >= 0) {
            throw new BadTree("entry name \"" + name + "\" is not allowed in a tree");
        }
        return name;
    }
}
