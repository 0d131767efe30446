package mirage.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;
import org.apache.maven.toolchain.Toolchain;
import org.apache.maven.toolchain.ToolchainManager;

/**
 * What every goal shares: the link tool's command line from the goal's parameters and the
 * project's dependencies, and the tool's run with its errors turned into build failures.
 *
 * <p>The unikernel is the project itself: {@code src/main/java} is its module, and its
 * description the one class of that module implementing {@code mirage.link.Description} (the
 * module {@code requires static mirage.link}) or {@code Config.java} beside the POM, as for
 * {@code ./mirage}. The build's
 * files go to {@code target/mirage}, the image to {@code target/image}.
 *
 * <p>Maven injects the fields below as {@code META-INF/maven/plugin.xml} declares them (written
 * by hand: docs/decisions/0052-maven-plugin.md).
 */
abstract class AbstractLinkMojo extends AbstractMojo {
    static final String GROUP = "io.github.mirage-java";

    MavenProject project;

    MavenSession session;

    PluginDescriptor plugin;

    ToolchainManager toolchains;

    /** The platform to link for: {@code solo5} (a Linux process) or {@code virtio} (a microVM). */
    String target;

    /** The configure keys the description declares, e.g. {@code <stack>host</stack>}. */
    Map<String, String> keys;

    /** Configure keys from the command line: {@code -Dmirage.keys=stack=host,other=value}. */
    String keyList;

    /** The jlink profile, a built-in name or a file (default {@code minimal}). */
    String profile;

    /** The JDK 25 the link runs with and links from; default: the jdk toolchain, else Maven's own JDK. */
    File javaHome;

    /** No progress lines. */
    boolean quiet;

    /** Where the build's intermediate files go. */
    File buildDirectory;

    /** Where the image goes. */
    File imageDirectory;

    /** Skip the goal. */
    boolean skip;

    /** The tool's arguments for {@code command}, with the options every command takes. */
    List<String> arguments(String command, List<String> extra) throws MojoExecutionException {
        List<String> a = new ArrayList<>();
        a.add(command);
        a.add(project.getBasedir().getAbsolutePath());
        a.add("--build-dir");
        a.add(buildDirectory.getAbsolutePath());
        a.add("--image-dir");
        a.add(imageDirectory.getAbsolutePath());
        if (target != null && !target.isBlank()) {
            a.add("-t");
            a.add(target.strip());
        }
        if (profile != null && !profile.isBlank()) {
            a.add("--profile");
            a.add(profile.strip());
        }
        if (quiet) {
            a.add("-q");
        }
        for (Map.Entry<String, String> k : configureKeys().entrySet()) {
            a.add("--" + k.getKey() + "=" + k.getValue());
        }
        a.addAll(extra);
        a.add("--lib");
        a.add(LinkTool.join(libraries()));
        return a;
    }

    /** The configure keys of the POM, with those of {@code -Dmirage.keys} replacing them. */
    Map<String, String> configureKeys() throws MojoExecutionException {
        Map<String, String> k = new TreeMap<>();
        if (keys != null) {
            k.putAll(keys);
        }
        if (keyList != null && !keyList.isBlank()) {
            for (String pair : keyList.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new MojoExecutionException("mirage: -Dmirage.keys takes KEY=VALUE[,KEY=VALUE...], not '" + pair + "'");
                }
                k.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        return k;
    }

    /**
     * The module path the unikernel is configured and linked against: the project's runtime
     * dependencies (the platform, mirage's libraries, third-party modules), then the link
     * tool's own jars (mirage.link, whose description API the description uses) unless the
     * project names them itself.
     */
    List<Path> libraries() throws MojoExecutionException {
        Map<String, Path> byKey = new LinkedHashMap<>();
        for (Artifact a : project.getArtifacts()) {
            if (a.getFile() == null || !a.getArtifactHandler().isAddedToClasspath()) {
                continue;
            }
            String scope = a.getScope();
            if (Artifact.SCOPE_TEST.equals(scope) || Artifact.SCOPE_PROVIDED.equals(scope) || Artifact.SCOPE_SYSTEM.equals(scope)) {
                continue;
            }
            byKey.put(a.getGroupId() + ":" + a.getArtifactId(), a.getFile().toPath().toAbsolutePath());
        }
        for (Artifact a : toolArtifacts()) {
            byKey.putIfAbsent(a.getGroupId() + ":" + a.getArtifactId(), a.getFile().toPath().toAbsolutePath());
        }
        return new ArrayList<>(byKey.values());
    }

    /** The plugin's own mirage.core and mirage.link: what the tool runs from. */
    List<Artifact> toolArtifacts() throws MojoExecutionException {
        List<Artifact> tool = new ArrayList<>();
        for (String name : List.of("mirage.core", "mirage.link")) {
            Artifact found = null;
            for (Artifact a : plugin.getArtifacts()) {
                if (GROUP.equals(a.getGroupId()) && name.equals(a.getArtifactId()) && a.getFile() != null) {
                    found = a;
                }
            }
            if (found == null) {
                throw new MojoExecutionException("mirage: the plugin's dependency " + GROUP + ":" + name + " was not resolved");
            }
            tool.add(found);
        }
        return tool;
    }

    /** The JDK to fork: {@link #javaHome}, else the jdk toolchain, else the one Maven runs on. */
    Path jdk() throws MojoExecutionException {
        Path home;
        if (javaHome != null) {
            home = javaHome.toPath();
        } else {
            Toolchain tc = toolchains == null ? null : toolchains.getToolchainFromBuildContext("jdk", session);
            String java = tc == null ? null : tc.findTool("java");
            home = java != null ? Path.of(java).toAbsolutePath().getParent().getParent() : Path.of(System.getProperty("java.home"));
        }
        Optional<String> wrong = LinkTool.checkJdk(home);
        if (wrong.isPresent()) {
            throw new MojoExecutionException(wrong.get());
        }
        return home;
    }

    /**
     * Runs the tool: its standard error (progress, then its message) goes to the log, its standard output to
     * {@code out}. Exit status 1 (the unikernel or its description is wrong) is a build
     * failure with the tool's message; any other non-zero status is an execution error.
     */
    LinkTool.Result runTool(String command, List<String> extra, java.util.function.Consumer<String> out)
            throws MojoExecutionException, MojoFailureException {
        LinkTool tool = new LinkTool(jdk(), toolArtifacts().stream().map(a -> a.getFile().toPath()).toList());
        List<String> args = arguments(command, extra);
        getLog().debug("mirage: " + String.join(" ", tool.commandLine(args)));
        LinkTool.Result r;
        try {
            // Progress lines; the failure itself becomes the build's message below.
            r = tool.run(args, project.getBasedir().toPath(), out, getLog()::info);
        } catch (IOException e) {
            throw new MojoExecutionException("mirage: cannot start the link tool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("mirage: interrupted", e);
        }
        if (r.exit() == 1) {
            throw new MojoFailureException(r.message());
        }
        if (r.exit() != 0) {
            throw new MojoExecutionException(r.message());
        }
        return r;
    }
}
