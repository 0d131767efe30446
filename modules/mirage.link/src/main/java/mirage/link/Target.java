package mirage.link;

/** The platforms a unikernel can be linked for ({@code mirage configure -t TARGET}). */
public enum Target {
    /** Solo5's model, as a Linux process (module {@code mirage.platform.solo5}). */
    SOLO5("solo5", "mirage.platform.solo5", "mirage.platform.solo5.Solo5", "imagePlatform", "java.lang.System", "exit",
            "mirage.platform.solo5", "begin"),
    /**
     * Solo5's model in a microVM: the same platform module as PID 1 of a minimal Linux guest
     * under QEMU or Firecracker, its devices virtio cards and disks (docs/decisions/0035).
     */
    VIRTIO("virtio", "mirage.platform.solo5", "mirage.platform.solo5.Solo5", "guestPlatform", "mirage.platform.solo5.Solo5",
            "guestExit", "mirage.platform.solo5", null),
    /**
     * Xen PV (module {@code mirage.platform.xen}): for now the image runs as a guest domain of a
     * simulated Xen host in its own process (docs/decisions/0043-xen-target.md).
     */
    XEN("xen", "mirage.platform.xen", "mirage.platform.xen.Xen", "imagePlatform", "java.lang.System", "exit",
            "mirage.platform.solo5", null);

    private final String word;
    private final String module;
    private final String factoryOwner;
    private final String factoryMethod;
    private final String exitOwner;
    private final String exitMethod;
    private final String nativeAccess;
    private final String beginMethod;

    Target(String word, String module, String factoryOwner, String factoryMethod, String exitOwner, String exitMethod,
            String nativeAccess, String beginMethod) {
        this.word = word;
        this.module = module;
        this.factoryOwner = factoryOwner;
        this.factoryMethod = factoryMethod;
        this.exitOwner = exitOwner;
        this.exitMethod = exitMethod;
        this.nativeAccess = nativeAccess;
        this.beginMethod = beginMethod;
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

    /**
     * The modules that bind host devices through FFM (a TAP's ioctl, ppoll), comma-separated,
     * as {@code --enable-native-access} takes them: the Xen target's host attaches its back
     * ends' host sides with Solo5's binder.
     */
    public String nativeAccess() {
        return nativeAccess;
    }

    /**
     * The class (or platform interface) whose static method {@link #exitMethod()}, taking the
     * exit status, ends the image after boot: {@code java.lang.System} for a process; the
     * platform's own for a microVM, whose JVM is PID 1 and must power the machine off instead.
     */
    public String exitOwner() {
        return exitOwner;
    }

    /** See {@link #exitOwner()}. */
    public String exitMethod() {
        return exitMethod;
    }

    /**
     * The static method of {@link #factoryOwner()} that the boot class's {@code main} calls
     * first, with the boot command line ({@code String[]}), before the platform is made: Solo5's
     * starts linking its sandbox's downcall there, beside the rest of the boot
     * (docs/decisions/0080); null when the target has none.
     */
    public String beginMethod() {
        return beginMethod;
    }
}
