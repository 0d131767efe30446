package mirage.platform.xen.internal.wire;

/**
 * Xenstore path syntax (docs/misc/xenstore.txt): {@code /}-separated, absolute (from
 * {@code /}) or relative to the connection's domain path {@code /local/domain/<domid>};
 * characters ASCII letters, digits and {@code -/_@}; no doubled or trailing slash (except the
 * root itself); at most {@value #ABS_PATH_MAX} bytes absolute, {@value #REL_PATH_MAX} relative.
 * Watch paths may also be special: {@code @<name>}, such as {@code @introduceDomain}.
 */
public final class XsPath {
    /** {@code XENSTORE_ABS_PATH_MAX}. */
    public static final int ABS_PATH_MAX = 3072;
    /** {@code XENSTORE_REL_PATH_MAX}. */
    public static final int REL_PATH_MAX = 2048;
    /** The root. */
    public static final String ROOT = "/";
    /** The special path of the watch fired when a domain is introduced. */
    public static final String INTRODUCE_DOMAIN = "@introduceDomain";
    /** The special path of the watch fired when a domain is released. */
    public static final String RELEASE_DOMAIN = "@releaseDomain";

    private XsPath() {}

    /** {@code /local/domain/<domid>}: where a domain's relative paths start (GET_DOMAIN_PATH). */
    public static String domainPath(int domid) {
        return "/local/domain/" + domid;
    }

    /**
     * Whether {@code path} (absolute or relative, not special) is well formed: allowed
     * characters, no empty segment, length within the limit of its kind.
     */
    public static boolean isValid(String path) {
        if (path.isEmpty()) {
            return false;
        }
        boolean absolute = path.charAt(0) == '/';
        if (path.length() > (absolute ? ABS_PATH_MAX : REL_PATH_MAX)) {
            return false;
        }
        if (path.equals(ROOT)) {
            return true;
        }
        if (path.charAt(path.length() - 1) == '/') {
            return false;
        }
        char previous = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (!allowed(c) || (c == '/' && previous == '/')) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    /** Whether {@code path} is a special watch path: {@code @} then allowed characters. */
    public static boolean isSpecial(String path) {
        if (path.length() < 2 || path.charAt(0) != '@' || path.length() > ABS_PATH_MAX) {
            return false;
        }
        for (int i = 1; i < path.length(); i++) {
            if (!allowed(path.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '/'
                || c == '_' || c == '@';
    }

    /**
     * The absolute form of a valid path: itself if absolute, else under {@code base}; null if
     * the result would exceed {@value #ABS_PATH_MAX} bytes.
     */
    public static String absolute(String path, String base) {
        if (path.charAt(0) == '/') {
            return path;
        }
        String abs = base + "/" + path;
        return abs.length() > ABS_PATH_MAX ? null : abs;
    }

    /** The parent of an absolute path other than the root. */
    public static String parent(String absolute) {
        int slash = absolute.lastIndexOf('/');
        return slash == 0 ? ROOT : absolute.substring(0, slash);
    }

    /** The last segment of an absolute path other than the root. */
    public static String leaf(String absolute) {
        return absolute.substring(absolute.lastIndexOf('/') + 1);
    }

    /** The child {@code name} of an absolute path. */
    public static String child(String absolute, String name) {
        return absolute.equals(ROOT) ? "/" + name : absolute + "/" + name;
    }

    /**
     * Whether {@code child} is {@code parent} or below it (the rule watches match by): equal,
     * or {@code parent} is the root, or {@code parent + "/"} starts {@code child}.
     */
    public static boolean isAtOrBelow(String child, String parent) {
        if (parent.equals(ROOT)) {
            return child.startsWith("/");
        }
        return child.equals(parent)
                || (child.length() > parent.length() && child.startsWith(parent) && child.charAt(parent.length()) == '/');
    }

    /** How many segments {@code child} lies below {@code parent} (0 when equal); both absolute. */
    public static int depthBelow(String child, String parent) {
        if (child.equals(parent)) {
            return 0;
        }
        String rest = parent.equals(ROOT) ? child.substring(1) : child.substring(parent.length() + 1);
        int n = 1;
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }
}
