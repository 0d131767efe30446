package mirage.link;

/**
 * A unikernel's description: one public class implementing it, with a public constructor
 * without parameters, compiled and run by {@code mirage configure} against the unikernel's
 * module (whose main class it names) and {@code mirage.link}. It is either
 * {@code Config.java} in the unnamed package beside the unikernel's {@code src/main/java}, or,
 * when there is no such file, the one top-level class of the unikernel's own module that
 * implements this interface directly; the module then says {@code requires static mirage.link},
 * so the tool's module is not linked into the image, and the class is not reachable from the
 * boot class, so the linker removes it.
 */
public interface Description {

    /** The unikernel to link. Called once per configure; may throw to refuse, with a message. */
    Job describe();
}
