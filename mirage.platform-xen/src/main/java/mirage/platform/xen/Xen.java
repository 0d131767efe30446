package mirage.platform.xen;

import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
import mirage.platform.xen.internal.binding.host.XenPlatform;

/**
 * Makes Xen platforms. There is no real-hypervisor binding yet: the platform runs the image as
 * a guest domain of a simulated Xen host in its own process (its PV drivers, xenstore, grant
 * tables, event channels and rings are the real protocols; the hypervisor under them is
 * simulated; docs/decisions/0041, 0042, 0043).
 */
public interface Xen {
    /** The target name, as in {@code mirage configure -t xen}. */
    String TARGET = "xen";

    /** Where in a linked image the device manifest is, relative to the image's root. */
    String IMAGE_MANIFEST = "mirage-manifest";

    /**
     * The platform of the running image: its device manifest is read from
     * {@link #IMAGE_MANIFEST} under the image's root ({@code java.home}); the guest's console
     * goes to standard output.
     *
     * @throws IllegalStateException if the manifest is missing or malformed, or the simulated
     *     host cannot be built; the message is one line naming the fault
     */
    static Platform imagePlatform() {
        return XenPlatform.fromImage();
    }

    /**
     * A platform for the given manifest, for tests and for use without the link tool: a
     * simulated host whose guest's console goes to standard output. Devices are attached by
     * {@link Platform#bind} ({@code --block:NAME=PATH}, {@code --net:NAME=TAP|if:IFACE|unix:PATH},
     * {@code --net-mac:NAME=MAC}).
     */
    static Platform platform(Manifest manifest) {
        return new XenPlatform(manifest, System.out);
    }
}
