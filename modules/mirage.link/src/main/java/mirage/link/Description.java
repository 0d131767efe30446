package mirage.link;

/**
 * A unikernel's description. A unikernel directory holds one public class implementing it, in
 * {@code Config.java} in the unnamed package, compiled and run by {@code mirage configure}
 * against the unikernel's module (whose main class it names) and {@code mirage.link}.
 * The class needs a public constructor without parameters.
 */
public interface Description {

    /** The unikernel to link. Called once per configure; may throw to refuse, with a message. */
    Job describe();
}
