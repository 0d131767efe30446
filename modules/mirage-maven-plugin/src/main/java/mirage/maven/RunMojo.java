package mirage.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * {@code mirage:run}: links the image (as {@code mirage:image}) and boots it with
 * {@code -Dmirage.args="--count=2 --hello=hi"} as its boot command line, its console on
 * Maven's; a non-zero exit fails the build ({@code ./mirage run}).
 */
public class RunMojo extends AbstractLinkMojo {
    /** The boot command line, split at white space. */
    String args;

    /** The boot command line, one argument each (after those of {@code args}). */
    List<String> arguments;

    /** The AOT cache: {@code on}, {@code off} or {@code profile} ({@code --aot=}). */
    String aot;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("mirage: skipped");
            return;
        }
        ImageMojo.build(this, false, aot, null, null);
        String name = imageName(buildDirectory.toPath().resolve("boot-plan"));
        Path bin = imageDirectory.toPath().resolve("bin").resolve(name);
        if (!Files.isExecutable(bin)) {
            throw new MojoExecutionException("mirage: the image has no bin/" + name + " (" + bin + ")");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.toString());
        if (args != null && !args.isBlank()) {
            cmd.addAll(List.of(args.strip().split("\\s+")));
        }
        if (arguments != null) {
            cmd.addAll(arguments);
        }
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            int exit = p.waitFor();
            if (exit != 0) {
                throw new MojoFailureException("mirage: " + name + " exited with status " + exit);
            }
        } catch (IOException e) {
            throw new MojoExecutionException("mirage: cannot start " + bin + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("mirage: interrupted", e);
        }
    }

    /** The unikernel's name from the boot plan's {@code name<TAB>NAME} line. */
    static String imageName(Path plan) throws MojoExecutionException {
        try {
            for (String line : Files.readAllLines(plan, StandardCharsets.UTF_8)) {
                if (line.startsWith("name\t")) {
                    return line.substring("name\t".length());
                }
            }
        } catch (IOException e) {
            throw new MojoExecutionException("mirage: cannot read the boot plan " + plan + ": " + e.getMessage(), e);
        }
        throw new MojoExecutionException("mirage: the boot plan " + plan + " names no unikernel");
    }
}
