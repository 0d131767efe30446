/**
 * The link tool: the unikernel description DSL (exported, {@code mirage.link}) and, inside,
 * configure, the boot-class generator, the jlink plugin and the {@code mirage} command.
 *
 * <p>Runs with {@code --add-exports jdk.jlink/jdk.tools.jlink.plugin=mirage.link} and
 * {@code --add-exports jdk.jlink/jdk.tools.jlink.internal=mirage.link}: its jlink plugin is
 * registered in-process (docs/decisions/0004-link-pipeline.md).
 */
module mirage.link {
    requires transitive mirage.core;
    requires jdk.jlink;
    requires java.compiler;

    exports mirage.link;
}
