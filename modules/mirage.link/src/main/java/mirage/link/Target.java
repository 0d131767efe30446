package mirage.link;

/** The platforms a unikernel can be linked for ({@code mirage configure -t TARGET}). */
public enum Target {
    /** Solo5's model, as a Linux process (module {@code mirage.platform.solo5}). */
    SOLO5("solo5", "mirage.platform.solo5", "mirage.platform.solo5.Solo5", "imagePlatform"),
    /**
     * Xen PV (module {@code mirage.platform.xen}): for now the image runs as a guest domain of a
     * simulated Xen host in its own process (docs/decisions/0043-xen-target.md).
     */
    XEN("xen", "mirage.platform.xen", "mirage.platform.xen.Xen", "imagePlatform");

    private final String word;
    private final String module;
    private final String factoryOwner;
    private final String factoryMethod;

    Target(String word, String module, String factoryOwner, String factoryMethod) {
        this.word = word;
        this.module = module;
        this.factoryOwner = factoryOwner;
        this.factoryMethod = factoryMethod;
    }

    /** The name given to {@code -t}. */
    public String word() {
        return word;
    }

    /** The platform module linked into the image. */
    public String module() {
        return module;
    }

    /**
     * The interface whose static method without parameters, {@link #factoryMethod()}, returns
     * the running image's {@code mirage.core.spi.Platform}.
     */
    public String factoryOwner() {
        return factoryOwner;
    }

    /** See {@link #factoryOwner()}. */
    public String factoryMethod() {
        return factoryMethod;
    }
}
