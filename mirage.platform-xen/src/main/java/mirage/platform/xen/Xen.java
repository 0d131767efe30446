package mirage.platform.xen;

/** Makes Xen platforms. */
public interface Xen {
    /** The target name, as in {@code mirage configure -t xen}. */
    String TARGET = "xen";
}
