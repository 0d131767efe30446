package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.link.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real jlink in-process with the plugin, on java.base alone. */
class MiragePluginTest {
    @TempDir
    Path dir;

    private Layout planFor(Set<String> modules) throws Exception {
        Layout layout = new Layout(dir.resolve("uk"));
        Manifest manifest = new Manifest(List.of(new Manifest.Entry("service", DeviceKind.NET_BASIC)));
        Plan plan = new Plan("t", Target.SOLO5, "t", "t.Main", "()V", List.of(), List.of(), new TreeSet<>(modules),
                manifest, "minimal");
        Link.writePlan(layout, plan);
        return layout;
    }

    @Test
    void writes_the_boot_plan_and_manifest_at_the_image_root() throws Exception {
        Layout layout = planFor(Set.of("java.base"));
        Link.jlink(List.of("--add-modules", "java.base", "--output", layout.image().toString(),
                "--" + MiragePlugin.NAME + "=" + layout.build()));
        assertEquals(Files.readString(layout.plan()),
                Files.readString(layout.image().resolve(MiragePlugin.IMAGE_PLAN), StandardCharsets.UTF_8));
        assertEquals("mirage-manifest 1\nNET_BASIC service\n",
                Files.readString(layout.image().resolve(MiragePlugin.IMAGE_MANIFEST), StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(layout.image().resolve("lib/modules")));
    }

    @Test
    void writes_java_security_without_its_comments_and_with_the_same_properties() throws Exception {
        Layout layout = planFor(Set.of("java.base"));
        Link.jlink(List.of("--add-modules", "java.base", "--output", layout.image().toString(),
                "--" + MiragePlugin.NAME + "=" + layout.build()));
        Path conf = Path.of("conf", "security", "java.security");
        String jdk = Files.readString(Path.of(System.getProperty("java.home")).resolve(conf), StandardCharsets.ISO_8859_1);
        String image = Files.readString(layout.image().resolve(conf), StandardCharsets.ISO_8859_1);
        assertEquals(PropertiesTextTest.load(jdk), PropertiesTextTest.load(image));
        assertFalse(image.lines().anyMatch(l -> l.isBlank() || l.startsWith("#")), image);
        assertFalse(Files.readString(layout.image().resolve("conf/net.properties"), StandardCharsets.ISO_8859_1)
                .lines().anyMatch(l -> l.startsWith("#")));
        // a file in another format passes untouched
        Path policy = Path.of("conf", "security", "policy", "unlimited", "default_local.policy");
        assertEquals(Files.readString(Path.of(System.getProperty("java.home")).resolve(policy)),
                Files.readString(layout.image().resolve(policy)));
    }

    @Test
    void fails_the_link_when_a_module_outside_the_computed_set_is_present() throws Exception {
        Layout layout = planFor(Set.of("java.base"));
        LinkException e = assertThrows(LinkException.class, () -> Link.jlink(List.of(
                "--add-modules", "java.base,java.logging", "--output", layout.image().toString(),
                "--" + MiragePlugin.NAME + "=" + layout.build())));
        assertTrue(e.getMessage().contains("modules outside the unikernel's computed set would be linked: [java.logging]"),
                e.getMessage());
        assertFalse(Files.exists(layout.image().resolve("lib/modules")));
    }

    @Test
    void fails_the_link_when_a_module_of_the_computed_set_is_missing() throws Exception {
        Layout layout = planFor(Set.of("java.base", "java.logging"));
        LinkException e = assertThrows(LinkException.class, () -> Link.jlink(List.of(
                "--add-modules", "java.base", "--output", layout.image().toString(),
                "--" + MiragePlugin.NAME + "=" + layout.build())));
        assertTrue(e.getMessage().contains("missing: [java.logging]"), e.getMessage());
    }
}
