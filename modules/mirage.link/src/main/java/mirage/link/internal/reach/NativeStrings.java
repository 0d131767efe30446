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
 * keeps a class or a method.
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
        members.add("<init>");
        return new NativeStrings(classes, members);
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
