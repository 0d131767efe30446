package mirage.link.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jdk.tools.jlink.plugin.Plugin;
import jdk.tools.jlink.plugin.PluginException;
import jdk.tools.jlink.plugin.ResourcePool;
import jdk.tools.jlink.plugin.ResourcePoolBuilder;
import jdk.tools.jlink.plugin.ResourcePoolEntry;
import jdk.tools.jlink.plugin.ResourcePoolModule;

/**
 * The project's jlink plugin, {@code --mirage-plan=DIR} (DIR holds {@code boot-plan} and
 * {@code manifest}, as configure wrote them). It
 * <ul>
 *   <li>fails the link if the image would hold a module outside the plan's computed set, or
 *       lack one of it;</li>
 *   <li>writes the boot plan and the device manifest into the image, as {@code mirage-boot-plan}
 *       and {@code mirage-manifest} at its root (where the platform reads the manifest);</li>
 *   <li>writes the JDK's configuration files in Properties format ({@code conf/security/java.security},
 *       {@code conf/*.properties}) without their comment and blank lines ({@link PropertiesText}:
 *       the same properties, read faster at boot; docs/decisions/0080);</li>
 *   <li>passes every other entry through untouched.</li>
 * </ul>
 * Deterministic: same inputs, same output.
 */
public final class MiragePlugin implements Plugin {
    public static final String NAME = "mirage-plan";
    /** Image paths, relative to the image root, of what the plugin adds. */
    public static final String IMAGE_PLAN = "mirage-boot-plan";
    public static final String IMAGE_MANIFEST = "mirage-manifest";

    private byte[] plan;
    private byte[] manifest;
    private SortedSet<String> modules;

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Category getType() {
        return Category.ADDER;
    }

    @Override
    public String getDescription() {
        return "Writes mirage's boot plan and device manifest into the image and checks its module set.";
    }

    @Override
    public boolean hasArguments() {
        return true;
    }

    @Override
    public String getArgumentsDescription() {
        return "<directory holding boot-plan and manifest>";
    }

    @Override
    public void configure(Map<String, String> config) {
        String dir = config.get(NAME);
        if (dir == null || dir.isEmpty()) {
            throw new IllegalArgumentException("--" + NAME + " needs the directory configure wrote");
        }
        try {
            plan = Files.readAllBytes(Path.of(dir, "boot-plan"));
            manifest = Files.readAllBytes(Path.of(dir, "manifest"));
            modules = Plan.modulesOf(new String(plan, StandardCharsets.UTF_8));
        } catch (IOException | LinkException e) {
            throw new IllegalArgumentException("--" + NAME + "=" + dir + ": " + e.getMessage(), e);
        }
    }

    /** For tests: configure from values rather than files. */
    void configure(byte[] planText, byte[] manifestText) throws LinkException {
        plan = planText.clone();
        manifest = manifestText.clone();
        modules = Plan.modulesOf(new String(planText, StandardCharsets.UTF_8));
    }

    @Override
    public ResourcePool transform(ResourcePool in, ResourcePoolBuilder out) {
        if (plan == null) {
            throw new PluginException("--" + NAME + " was not configured");
        }
        Set<String> present = in.moduleView().modules().map(ResourcePoolModule::name)
                .collect(Collectors.toCollection(TreeSet::new));
        SortedSet<String> extra = new TreeSet<>(present);
        extra.removeAll(modules);
        if (!extra.isEmpty()) {
            throw new PluginException("modules outside the unikernel's computed set would be linked: " + extra
                    + " (the set is " + modules + ")");
        }
        SortedSet<String> lacking = new TreeSet<>(modules);
        lacking.removeAll(present);
        if (!lacking.isEmpty()) {
            throw new PluginException("modules of the unikernel's computed set are missing: " + lacking);
        }
        in.transformAndCopy(MiragePlugin::withoutComments, out);
        // TOP entries land at the image root under their file name.
        out.add(ResourcePoolEntry.create("/java.base/" + IMAGE_PLAN, ResourcePoolEntry.Type.TOP, plan));
        out.add(ResourcePoolEntry.create("/java.base/" + IMAGE_MANIFEST, ResourcePoolEntry.Type.TOP, manifest));
        return out.build();
    }

    /** The entry, or a Properties-format configuration file without its comment and blank lines. */
    private static ResourcePoolEntry withoutComments(ResourcePoolEntry e) {
        if (e.type() != ResourcePoolEntry.Type.CONFIG || !PropertiesText.isPropertiesConfig(e.path())) {
            return e;
        }
        return e.copyWithContent(PropertiesText.withoutComments(e.contentBytes()));
    }
}
