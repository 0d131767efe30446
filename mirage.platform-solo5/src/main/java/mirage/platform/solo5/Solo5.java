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
     * The platform of the running image: its device manifest is read from
     * {@link #IMAGE_MANIFEST} under the image's root ({@code java.home}).
     *
     * @throws IllegalStateException if the manifest is missing or malformed; the message is
     *     one line naming the file and the fault
     */
    static Platform imagePlatform() {
        return Solo5Platform.fromImage();
    }

    /** A platform for the given manifest, for tests and for use without the link tool. */
    static Platform platform(Manifest manifest) {
        return new Solo5Platform(manifest);
    }
}
