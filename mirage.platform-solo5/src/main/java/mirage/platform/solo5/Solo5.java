package mirage.platform.solo5;

import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
import mirage.platform.solo5.internal.Solo5Platform;

/** Makes Solo5 platforms. */
public interface Solo5 {

    /** Where in a linked image the device manifest is, relative to the image's root. */
    String IMAGE_MANIFEST = "mirage-manifest";

    /** The target name, as in {@code mirage configure -t solo5}. */
    String TARGET = "solo5";

    /**
     * The first call of an image's boot class (target {@code solo5}), with the boot command
     * line, before {@link #imagePlatform()}: unless the command line says {@code --sandbox=off},
     * starts linking the sandbox's {@code syscall(2)} downcall on a thread of its own, which
     * the platform's {@code bind} then takes instead of starting one (docs/decisions/0080). No
     * native call is made when the command line says {@code --sandbox=off}.
     */
    static void begin(String[] argv) {
        Solo5Platform.begin(argv);
    }

    /**
     * The platform of the running image: its device manifest is read from
     * {@link #IMAGE_MANIFEST} under the image's root ({@code java.home}).
     *
     * @throws IllegalStateException if the manifest is missing or malformed; the message is
     *     one line naming the file and the fault
     */
    static Platform imagePlatform() {
        return Solo5Platform.fromImage();
    }

    /**
     * The platform of a running microVM image (target {@code virtio}): as
     * {@link #imagePlatform()}; when this JVM is the guest's PID 1 and the manifest lists
     * devices, the guest is first made ready for them (devtmpfs and proc mounted, the image's
     * virtio kernel modules loaded), and the devices then bind to the guest's virtio cards
     * ({@code --net:NAME=if:ethN}) and disks ({@code --block:NAME=/dev/vdX}), which the image's
     * launcher passes on the kernel command line.
     *
     * @throws IllegalStateException as {@link #imagePlatform()}, or if a mount or a module load
     *     fails; the message is one line naming it and the errno
     */
    static Platform guestPlatform() {
        return Solo5Platform.guest();
    }

    /**
     * Ends a microVM image with {@code status}: writes it to the guest's second serial port
     * (where the launcher reads it) and powers the machine off. When this JVM is not the
     * guest's PID 1, {@code System.exit(status)}. Never returns.
     */
    static void guestExit(int status) {
        mirage.platform.solo5.internal.guest.Guest.exit(status);
    }

    /** A platform for the given manifest, for tests and for use without the link tool. */
    static Platform platform(Manifest manifest) {
        return new Solo5Platform(manifest);
    }
}
