package mirage.link.internal.dce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import mirage.link.internal.LinkException;
import mirage.link.internal.reach.KeepRules;

/**
 * The keep rules shipped with the link tool: {@code link-rules/MODULE.keep} of the repository,
 * resources {@code mirage/link/internal/rules/MODULE.keep} of its jar. A module without a file
 * has no rules. A unikernel states its own in {@code DIR/link.keep} ({@link #UNIKERNEL_FILE}),
 * which the build copies to {@code DIR/_build/link.keep} for the plugin.
 */
public final class LinkRules {
    static final String RESOURCE_DIR = "/mirage/link/internal/rules/";
    /** The file name of a unikernel's own keep rules, in its directory and in its build directory. */
    public static final String UNIKERNEL_FILE = "link.keep";

    private LinkRules() {}

    /**
     * The rules of {@code modules}, in module-name order.
     *
     * @throws LinkException if a file is not well formed (a bug of the tool's own files)
     */
    public static List<KeepRules> of(Collection<String> modules) throws LinkException {
        List<KeepRules> out = new ArrayList<>();
        for (String module : new TreeSet<>(modules)) {
            String file = module + ".keep";
            try (InputStream in = LinkRules.class.getResourceAsStream(RESOURCE_DIR + file)) {
                if (in == null) {
                    continue;
                }
                out.add(KeepRules.parse(module, file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new LinkException("cannot read the keep rules " + file + ": " + e.getMessage(), e);
            } catch (KeepRules.RuleException e) {
                throw new LinkException("keep rules: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * The rules of the unikernel's module in {@code file}, if it exists.
     *
     * @throws LinkException naming the file and line of what is not well formed
     */
    public static List<KeepRules> unikernel(java.nio.file.Path file, String module) throws LinkException {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return List.of(KeepRules.parse(module, file.toString(),
                    java.nio.file.Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new LinkException("cannot read the keep rules " + file + ": " + e.getMessage(), e);
        } catch (KeepRules.RuleException e) {
            throw new LinkException("keep rules: " + e.getMessage(), e);
        }
    }
}
