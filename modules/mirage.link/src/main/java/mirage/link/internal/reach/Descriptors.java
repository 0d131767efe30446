package mirage.link.internal.reach;

import java.util.Collection;

/** Class names out of JVM descriptors and names. */
final class Descriptors {
    private Descriptors() {}

    /**
     * Adds the classes a field or method descriptor names (array element types included);
     * ignores what is not well formed.
     */
    static void classesOf(String desc, Collection<String> into) {
        int i = 0;
        int n = desc.length();
        while (i < n) {
            char c = desc.charAt(i);
            if (c == 'L') {
                int end = desc.indexOf(';', i);
                if (end < 0) {
                    return;
                }
                into.add(desc.substring(i + 1, end));
                i = end + 1;
            } else {
                i++;
            }
        }
    }

    /** Adds the class a class entry names: itself, or an array's element class. */
    static void classOfName(String internalName, Collection<String> into) {
        if (internalName.startsWith("[")) {
            classesOf(internalName, into);
        } else {
            into.add(internalName);
        }
    }

    /** The element class of an array descriptor, the name itself otherwise; null for primitive arrays. */
    static String elementClass(String internalName) {
        if (!internalName.startsWith("[")) {
            return internalName;
        }
        int l = internalName.indexOf('L');
        return l < 0 ? null : internalName.substring(l + 1, internalName.length() - 1);
    }
}
