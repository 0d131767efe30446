package mirage.link.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A jlink profile: jlink options and JVM options baked into the image, JDK modules added to
 * it, whether it gets an AOT cache and whether the link removes what the image cannot reach.
 * The text has one setting a line; {@code #} starts a comment:
 *
 * <pre>
 * jlink: OPTION      an option given to jlink as it stands (one argument)
 * jvm: OPTION        a JVM option baked into the image (jlink --add-options)
 * module: NAME       a JDK module added to the image (e.g. jdk.jdwp.agent)
 * aot: on|off        train an AOT cache into the image (default off; docs/decisions/0049)
 * dce: on|off        remove what the image cannot reach (default on; docs/decisions/0033)
 * </pre>
 *
 * @param name the profile's name (its file name without {@code .profile})
 * @param jlinkOptions options given to jlink, one argument each
 * @param jvmOptions JVM options added to the image with {@code --add-options}
 * @param modules JDK modules added to the image beyond what the unikernel needs
 * @param aot whether the image gets an AOT cache unless the build says otherwise ({@code --aot=})
 * @param dce whether unreachable classes are removed unless the build says {@code --no-dce}
 */
public record Profile(String name, List<String> jlinkOptions, List<String> jvmOptions, List<String> modules, boolean aot,
        boolean dce) {
    /** The profile used when none is named. */
    public static final String DEFAULT = "minimal";

    public Profile {
        jlinkOptions = List.copyOf(jlinkOptions);
        jvmOptions = List.copyOf(jvmOptions);
        modules = List.copyOf(modules);
    }

    /** A profile of jlink and JVM options only: no added modules, no AOT cache, removal on. */
    public Profile(String name, List<String> jlinkOptions, List<String> jvmOptions) {
        this(name, jlinkOptions, jvmOptions, List.of(), false, true);
    }

    /** A profile shipped with the tool, by name. */
    public static Profile builtIn(String name) throws LinkException {
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new LinkException("profile name '" + name + "' must be of a-z, 0-9 and '-'");
        }
        try (InputStream in = Profile.class.getResourceAsStream("profiles/" + name + ".profile")) {
            if (in == null) {
                throw new LinkException("no jlink profile named '" + name + "' (see jlink-profiles/)");
            }
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LinkException("cannot read jlink profile '" + name + "': " + e.getMessage(), e);
        }
    }

    /** A profile from a file. */
    public static Profile file(Path file) throws LinkException {
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(".profile") ? fileName.substring(0, fileName.length() - 8) : fileName;
        try {
            return parse(name, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LinkException("cannot read jlink profile " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the text form; errors name the line. */
    public static Profile parse(String name, String text) throws LinkException {
        List<String> jlink = new ArrayList<>();
        List<String> jvm = new ArrayList<>();
        List<String> modules = new ArrayList<>();
        boolean aot = false;
        boolean dce = true;
        for (mirage.link.internal.reach.TextLines l : mirage.link.internal.reach.TextLines.of(text)) {
            String line = l.text();
            int lineNo = l.number();
            int colon = line.indexOf(':');
            String key = colon < 0 ? line : line.substring(0, colon).strip();
            String value = colon < 0 ? "" : line.substring(colon + 1).strip();
            switch (key) {
                case "module" -> {
                    if (!value.matches("[a-zA-Z][a-zA-Z0-9_]*(\\.[a-zA-Z][a-zA-Z0-9_]*)*")) {
                        throw new LinkException("profile " + name + " line " + lineNo + ": expected 'module: MODULE.NAME'");
                    }
                    modules.add(value);
                    continue;
                }
                case "aot" -> {
                    aot = onOff(name, lineNo, key, value);
                    continue;
                }
                case "dce" -> {
                    dce = onOff(name, lineNo, key, value);
                    continue;
                }
                default -> { }
            }
            if (value.isEmpty() || !value.startsWith("-")) {
                throw new LinkException("profile " + name + " line " + lineNo + ": expected 'jlink: -OPTION' or 'jvm: -OPTION'");
            }
            switch (key) {
                case "jlink" -> jlink.add(value);
                case "jvm" -> {
                    if (value.indexOf(' ') >= 0) {
                        throw new LinkException("profile " + name + " line " + lineNo + ": a JVM option cannot contain a space");
                    }
                    jvm.add(value);
                }
                default -> throw new LinkException("profile " + name + " line " + lineNo + ": unknown setting '" + key + "'");
            }
        }
        return new Profile(name, jlink, jvm, modules, aot, dce);
    }

    private static boolean onOff(String name, int lineNo, String key, String value) throws LinkException {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new LinkException("profile " + name + " line " + lineNo + ": expected '" + key + ": on' or '"
                    + key + ": off'");
        };
    }
}
