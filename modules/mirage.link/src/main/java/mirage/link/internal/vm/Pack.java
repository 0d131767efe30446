package mirage.link.internal.vm;

import java.nio.file.Path;
import java.util.Optional;
import mirage.core.spi.Manifest;
import mirage.link.internal.LinkException;
import mirage.link.internal.Progress;

/**
 * Packs any jlink image with a main module into a microVM image, as {@code mirage build -t
 * virtio} packs a unikernel's: for baselines (benchmarks/vm-boot.sh boots a jlinked
 * {@code java.base} hello world this way). Such an image's JVM exits rather than powering
 * off, which ends its VM in a kernel panic.
 *
 * <p>{@code Pack RUNTIME OUT NAME MODULE [KERNEL [MODULES]]}; exit 1 with one line on failure.
 */
public final class Pack {
    private Pack() {}

    public static void main(String[] args) {
        if (args.length < 4 || args.length > 6) {
            System.err.println("usage: Pack RUNTIME OUT NAME MODULE [KERNEL [MODULES]]");
            System.exit(2);
        }
        VmImage.KernelChoice kernel = new VmImage.KernelChoice(
                args.length > 4 ? Optional.of(Path.of(args[4])) : Optional.empty(),
                args.length > 5 ? Optional.of(Path.of(args[5])) : Optional.empty(), DebianKernel.defaultCache());
        try {
            Progress progress = new Progress(System.err, false);
            VmImage.Prepared prepared = VmImage.prepare(Manifest.EMPTY, kernel, progress);
            Path out = VmImage.build(Path.of(args[0]), Path.of(args[1]), args[2], args[3], Manifest.EMPTY, prepared,
                    Optional.empty(), progress);
            System.out.println(out);
        } catch (LinkException e) {
            System.err.println("pack: " + e.getMessage());
            System.exit(1);
        }
    }
}
