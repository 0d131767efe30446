package mirage.link.internal.reach;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The class and member names a native library holds among its strings: a JNI library or the
 * JVM finds classes and methods by name ({@code FindClass("java/io/IOException")},
 * {@code GetMethodID(c, "run", "()V")}, HotSpot's well-known class and symbol tables), so every
 * name of a class of the image in its bytes is taken as a class it may load, and every
 * identifier as a method name it may call. Over-approximate by design: a name never used only
 * keeps a class or a method. HotSpot's library holds all its identifiers among its strings; the
 * methods it calls by name are those of its symbol table ({@code vmSymbols}: one array of
 * NUL-terminated names, found as the run of strings around {@code initPhase1}), so when a
 * library holds that table, only the identifiers in it count.
 *
 * @param classLike the tokens shaped like class names, as internal names (a descriptor's
 *     {@code La/b/C;} and a binary name {@code a.b.C} both give {@code a/b/C})
 * @param identifiers the tokens shaped like Java identifiers
 */
public record NativeStrings(Set<String> classLike, Set<String> identifiers) {
    public NativeStrings {
        classLike = Set.copyOf(classLike);
        identifiers = Set.copyOf(identifiers);
    }

    /** Scans the bytes of a library (any file: an ELF shared object's strings are plain bytes). */
    public static NativeStrings scan(byte[] bytes) {
        Set<String> classes = new HashSet<>();
        Set<String> members = new HashSet<>();
        int start = -1;
        boolean slash = false;
        boolean dot = false;
        for (int i = 0; i <= bytes.length; i++) {
            int b = i < bytes.length ? bytes[i] & 0xff : 0;
            boolean nameChar = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_'
                    || b == '$' || b == '/' || b == '.';
            if (nameChar) {
                if (start < 0) {
                    start = i;
                    slash = false;
                    dot = false;
                }
                slash |= b == '/';
                dot |= b == '.';
                continue;
            }
            if (start >= 0 && i - start >= 2) {
                String token = new String(bytes, start, i - start, StandardCharsets.ISO_8859_1);
                if (slash) {
                    int d = token.indexOf('.');
                    String name = d < 0 ? token : token.substring(0, d);
                    classes.add(name);
                    if (name.startsWith("L")) {
                        classes.add(name.substring(1));
                    }
                } else if (dot) {
                    classes.add(token.replace('.', '/'));
                } else if (Character.isJavaIdentifierStart(token.charAt(0))) {
                    members.add(token);
                }
            }
            start = -1;
        }
        Set<String> table = symbolTable(bytes);
        if (table != null) {
            members = table;
        }
        members.add("<init>");
        return new NativeStrings(classes, members);
    }

    /** The identifiers of HotSpot's symbol table in {@code bytes}, or null if there is none. */
    static Set<String> symbolTable(byte[] bytes) {
        byte[] marker = "\0initPhase1\0".getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(bytes, marker);
        if (at < 0) {
            return null;
        }
        // the table is the run of non-empty printable NUL-terminated strings around the marker
        int start = at + 1;
        while (true) {
            int previousEnd = start - 1;
            if (previousEnd <= 0 || bytes[previousEnd] != 0) {
                break;
            }
            int s0 = previousEnd;
            while (s0 > 0 && bytes[s0 - 1] != 0 && printable(bytes[s0 - 1])) {
                s0--;
            }
            if (s0 == previousEnd || (s0 > 0 && bytes[s0 - 1] != 0)) {
                break;
            }
            start = s0;
        }
        Set<String> names = new HashSet<>();
        for (int i = start; i < bytes.length; ) {
            int end = i;
            while (end < bytes.length && bytes[end] != 0 && printable(bytes[end])) {
                end++;
            }
            if (end == i || end >= bytes.length || bytes[end] != 0) {
                break;
            }
            String name = new String(bytes, i, end - i, StandardCharsets.ISO_8859_1);
            if ((Character.isJavaIdentifierStart(name.charAt(0)) || name.charAt(0) == '<')
                    && name.indexOf('/') < 0 && name.indexOf('(') < 0 && name.indexOf(';') < 0) {
                names.add(name);
            }
            i = end + 1;
        }
        return names.size() > 100 ? names : null;
    }

    private static boolean printable(byte b) {
        return b >= 0x20 && b < 0x7f;
    }

    private static int indexOf(byte[] bytes, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= bytes.length; i++) {
            for (int k = 0; k < what.length; k++) {
                if (bytes[i + k] != what[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * The library as the analysis sees it, among the classes {@code known}.
     *
     * @param name its name as {@code System.loadLibrary} takes it
     */
    public Program.NativeLibrary library(String name, Set<String> known) {
        Set<String> found = new TreeSet<>();
        for (String c : classLike) {
            if (known.contains(c)) {
                found.add(c);
            }
        }
        return new Program.NativeLibrary(name, found, identifiers);
    }
}
