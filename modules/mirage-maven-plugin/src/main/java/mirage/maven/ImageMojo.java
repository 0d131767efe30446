package mirage.maven;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * {@code mirage:image}: configures, generates the boot class and links the image into
 * {@code target/image} ({@code bin/NAME} starts it); for {@code virtio}, packs the microVM
 * ({@code ./mirage build}). Bound to {@code package}.
 */
public class ImageMojo extends AbstractLinkMojo {
    /** Keep every class of every module (no removal of what the image cannot reach). */
    boolean noDce;

    /** virtio: the kernel to boot (vmlinux or bzImage) instead of Debian's cloud kernel. */
    java.io.File kernel;

    /** virtio: the kernel's modules. */
    java.io.File kernelModules;

    /** The AOT cache: {@code on}, {@code off} or {@code profile} ({@code --aot=}; default as the profile says). */
    String aot;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("mirage: skipped");
            return;
        }
        build(this, noDce, aot, kernel, kernelModules);
    }

    /**
     * Links the image with {@code mojo}'s parameters, unless the image there was linked from
     * the same inputs ({@link Inputs}); returns where it is.
     *
     * @param aot {@code on}, {@code off} or {@code profile} ({@code --aot=}), or null for the
     *     tool's remembered choice
     */
    static String build(AbstractLinkMojo mojo, boolean noDce, String aot, java.io.File kernel, java.io.File kernelModules)
            throws MojoExecutionException, MojoFailureException {
        List<String> extra = new ArrayList<>();
        if (noDce) {
            extra.add("--no-dce");
        }
        if (aot != null && !aot.isBlank()) {
            extra.add("--aot=" + aot.strip());
        }
        if (kernel != null) {
            extra.add("--kernel=" + kernel.getAbsolutePath());
        }
        if (kernelModules != null) {
            extra.add("--kernel-modules=" + kernelModules.getAbsolutePath());
        }
        Inputs inputs = new Inputs(mojo.project.getBasedir().toPath(), mojo.buildDirectory.toPath(),
                mojo.imageDirectory.toPath());
        String digest = inputs.digest(mojo.arguments("build", extra), mojo.jdk(), kernel, kernelModules);
        if (inputs.upToDate(digest)) {
            mojo.getLog().info("mirage: image " + mojo.imageDirectory.getAbsolutePath() + " is up to date");
            return mojo.imageDirectory.getAbsolutePath();
        }
        LinkTool.Result r = mojo.runTool("build", extra, line -> { });
        inputs.linked(digest);
        String image = r.out().isEmpty() ? mojo.imageDirectory.getAbsolutePath() : r.out().get(r.out().size() - 1);
        mojo.getLog().info("mirage: image " + image);
        return image;
    }
}
