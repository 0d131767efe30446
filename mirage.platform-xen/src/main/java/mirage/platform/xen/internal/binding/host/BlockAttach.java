package mirage.platform.xen.internal.binding.host;

import java.nio.file.Files;
import java.nio.file.Path;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.spi.Device;
import mirage.platform.xen.internal.binding.back.Blkback;
import mirage.platform.xen.internal.binding.front.Blkfront;
import mirage.platform.xen.internal.binding.front.XenDeviceException;
import mirage.platform.xen.internal.binding.xenstore.XenstoreException;

/**
 * Attaches one {@code BLOCK_BASIC} device of a {@link XenPlatform}: the toolstack's vbd nodes,
 * blkback on the file in domain 0, blkfront in the guest. The one class the platform calls that
 * touches {@code mirage.block} (through {@link Blkfront}): loaded only for images with disks.
 */
final class BlockAttach {
    private BlockAttach() {}

    static Device attach(XenPlatform p, String name, int handle, String option, String path, int vdev)
            throws ArgumentException {
        Path file = Path.of(path);
        // solo5-hvt's rules, as the Solo5 target applies them (docs/decisions/0029)
        if (!Files.exists(file)) {
            throw new ArgumentException(Problem.DEVICE, option, option + ": no file " + path + " (it is never created)");
        }
        if (Files.isDirectory(file)) {
            throw new ArgumentException(Problem.DEVICE, option, option + ": " + path + " is a directory");
        }
        boolean writable = Files.isWritable(file);
        int guest = p.guestDomid();
        p.inDom0(ts -> {
            try {
                ts.addVbd(guest, vdev, file.toAbsolutePath().toString(), writable);
            } catch (XenstoreException e) {
                throw XenPlatform.failed(option, "cannot write the vbd's xenstore nodes", e);
            }
            p.backend(Blkback.start(p.back(), guest, vdev));
        });
        try {
            return Blkfront.open(p.front(), name, handle, vdev, XenPlatform.CONNECT_TIMEOUT);
        } catch (XenDeviceException e) {
            throw XenPlatform.failed(option, "blkfront", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw XenPlatform.failed(option, "interrupted while connecting", e);
        }
    }
}
