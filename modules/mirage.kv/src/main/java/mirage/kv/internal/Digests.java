package mirage.kv.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import mirage.kv.Key;

/**
 * The digests of {@link mirage.kv.KvRo#digest}: SHA-256 of a value; for a dictionary, SHA-256
 * over its sorted entries, each as kind byte (1 value, 2 dictionary), 4-byte big-endian length
 * of the segment's UTF-8 bytes, the bytes, the entry's digest.
 */
public final class Digests {
    private Digests() {}

    /** A forward walk over the bound keys below one dictionary, in {@link Key} order. */
    public interface Cursor {
        /** The current bound key, or null at the end. */
        Key key();

        /** The digest of the current key's value. */
        byte[] valueDigest();

        void advance();
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    /**
     * The digest of the dictionary at depth {@code depth} whose bound descendants the cursor
     * walks; consumes exactly them (the cursor stops at the first key not below the dictionary,
     * which the caller guarantees by giving only descendants).
     */
    public static byte[] dictionary(int depth, Cursor cursor) {
        MessageDigest md = sha256();
        while (cursor.key() != null) {
            Key k = cursor.key();
            String segment = k.segments().get(depth);
            byte[] child;
            byte kind;
            if (k.depth() == depth + 1) {
                child = cursor.valueDigest();
                kind = 1;
                cursor.advance();
            } else {
                child = dictionary(depth + 1, new Within(cursor, depth, segment));
                kind = 2;
            }
            byte[] name = segment.getBytes(StandardCharsets.UTF_8);
            md.update(kind);
            md.update(ByteBuffer.allocate(4).putInt(name.length).array());
            md.update(name);
            md.update(child);
        }
        return md.digest();
    }

    /** The part of a cursor whose keys have {@code segment} at {@code depth}. */
    private record Within(Cursor outer, int depth, String segment) implements Cursor {
        @Override
        public Key key() {
            Key k = outer.key();
            return k != null && k.depth() > depth && k.segments().get(depth).equals(segment) ? k : null;
        }

        @Override
        public byte[] valueDigest() {
            return outer.valueDigest();
        }

        @Override
        public void advance() {
            outer.advance();
        }
    }
}
