package mirage.maven;

import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * {@code mirage:configure}: checks the unikernel and its description for the target and prints
 * the boot plan ({@code ./mirage configure}).
 */
public class ConfigureMojo extends AbstractLinkMojo {
    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("mirage: skipped");
            return;
        }
        runTool("configure", List.of(), getLog()::info);
    }
}
