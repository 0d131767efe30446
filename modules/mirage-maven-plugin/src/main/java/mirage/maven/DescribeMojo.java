package mirage.maven;

import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * {@code mirage:describe}: configures, then prints the device graph, the modules with their
 * sizes, the manifest and the boot plan ({@code ./mirage describe}).
 */
public class DescribeMojo extends AbstractLinkMojo {
    /** The device graph in Graphviz's language instead. */
    boolean dot;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("mirage: skipped");
            return;
        }
        runTool("describe", dot ? List.of("--dot") : List.of(), getLog()::info);
    }
}
