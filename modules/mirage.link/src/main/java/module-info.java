/**
 * The link tool: the unikernel description DSL (exported, {@code mirage.link}) and, inside,
 * configure, the boot-class generator, the jlink plugin and the {@code mirage} command.
 *
 * <p>Runs with {@code --add-exports jdk.jlink/jdk.tools.jlink.plugin=mirage.link} and
 * {@code --add-exports jdk.jlink/jdk.tools.jlink.internal=mirage.link}: its jlink plugin is
 * registered in-process (docs/decisions/0004-link-pipeline.md).
 *
 * <p>The library modules are required only at compile time ({@code requires static}): the
 * description DSL names their types as the phantom types of its devices (decision 0038), so
 * that javac checks a description, while the tool runs without them.
 */
module mirage.link {
    requires transitive mirage.core;
    requires jdk.jlink;
    requires java.compiler;
    requires static mirage.time;
    requires static mirage.net;
    requires static mirage.tls;
    requires static mirage.kv;
    requires static mirage.block;
    requires static mirage.gitstore;

    exports mirage.link;
}
