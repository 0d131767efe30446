package mirage.core;

/**
 * The contract of a unikernel's main class, what MirageOS writes as a functor with a
 * {@code start} function.
 *
 * <p>A class implementing this interface:
 * <ul>
 *   <li>is public, not abstract, and has a public constructor without parameters;</li>
 *   <li>has exactly one public method named {@code start}, returning {@code void}, whose
 *       parameters are the devices and runtime-argument values the unikernel's description
 *       names, in the same order (checked by {@code mirage configure});</li>
 *   <li>may declare any checked exception on {@code start}.</li>
 * </ul>
 *
 * <p>The generated boot class constructs the unikernel and calls {@code start} on a virtual
 * thread, while the event loop runs on the boot thread. The unikernel's life is the call: when
 * {@code start} returns, the unikernel exits with status {@link #EXIT_OK}; when it throws, the
 * console gets one line naming the exception and the exit status is {@link #EXIT_FAILURE}.
 */
public interface Unikernel {

    /** Exit status of a unikernel whose {@code start} returned. */
    int EXIT_OK = 0;

    /** Exit status of a unikernel whose {@code start} threw. */
    int EXIT_FAILURE = 1;

    /** Exit status after printing the usage for {@code --help} (as MirageOS's runtime). */
    int EXIT_HELP = 63;

    /**
     * Exit status when the boot command line is wrong: an unknown, malformed, repeated or
     * missing argument, or a device binding the platform refuses (as MirageOS's runtime).
     */
    int EXIT_USAGE = 64;
}
