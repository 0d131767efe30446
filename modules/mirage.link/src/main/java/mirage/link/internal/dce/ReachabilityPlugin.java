package mirage.link.internal.dce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import jdk.tools.jlink.plugin.Plugin;
import jdk.tools.jlink.plugin.PluginException;
import jdk.tools.jlink.plugin.ResourcePool;
import jdk.tools.jlink.plugin.ResourcePoolBuilder;
import jdk.tools.jlink.plugin.ResourcePoolEntry;
import mirage.link.internal.LinkException;
import mirage.link.internal.reach.KeepRules;
import mirage.link.internal.reach.Program;
import mirage.link.internal.reach.Reachability;

/**
 * The jlink plugin that removes what an image cannot reach, {@code --mirage-dce=DIR}: it runs
 * {@link Reachability} over every class of every module of the image, as the pool holds them
 * once the plugins that generate classes have run (system modules, {@code java.lang.invoke}
 * holders), drops the classes it does not keep and the image files whose keep rule's classes
 * are unused ({@code file} rules), passes every other entry through untouched, and writes
 * {@link LinkReport} to {@code DIR/link-report.tsv} and the reason each class is kept to
 * {@code DIR/link-kept.tsv}. Roots: the main class each module names (the unikernel's is its
 * boot class), the classes the JVM's native libraries name, and the keep rules of the image's
 * modules ({@link LinkRules}), and the unikernel's own in {@code DIR/link.keep}.
 *
 * <p>Deterministic: the same pool gives the same output. Idempotent: run on its own output it
 * removes nothing more.
 */
public final class ReachabilityPlugin implements Plugin {
    public static final String NAME = "mirage-dce";
    public static final String REPORT = "link-report.tsv";
    public static final String KEPT = "link-kept.tsv";
    /** The boot loader's module: its classes are not verified (the JVM's default). */
    static final Set<String> UNVERIFIED = Set.of("java.base");

    private Path dir;
    private List<KeepRules> extraRules = List.of();
    private LinkReport lastReport;

    @Override
    public String getName() {
        return NAME;
    }

    /** After every plugin that adds or generates classes, before compression. */
    @Override
    public Category getType() {
        return Category.MODULEINFO_TRANSFORMER;
    }

    @Override
    public String getDescription() {
        return "Removes the classes and files a mirage image cannot reach.";
    }

    @Override
    public boolean hasArguments() {
        return true;
    }

    @Override
    public String getArgumentsDescription() {
        return "<directory for link-report.tsv>";
    }

    @Override
    public void configure(Map<String, String> config) {
        String d = config.get(NAME);
        if (d == null || d.isEmpty()) {
            throw new IllegalArgumentException("--" + NAME + " needs the directory to write its report to");
        }
        dir = Path.of(d);
        try {
            extraRules = LinkRules.unikernel(dir.resolve(LinkRules.UNIKERNEL_FILE), appModule(dir));
        } catch (LinkException e) {
            throw new IllegalArgumentException("--" + NAME + "=" + d + ": " + e.getMessage(), e);
        }
    }

    /** The unikernel's module, as the boot plan in {@code dir} names it ("" without a plan). */
    private static String appModule(Path dir) {
        try {
            for (String line : Files.readAllLines(dir.resolve("boot-plan"), StandardCharsets.UTF_8)) {
                if (line.startsWith("module\t")) {
                    return line.substring("module\t".length());
                }
            }
        } catch (IOException e) {
            // no plan: rules of a unikernel need one, and none are read without it
        }
        return "";
    }

    /** For tests: no report file, and rules beyond the shipped ones. */
    void configure(List<KeepRules> rules) {
        dir = null;
        extraRules = List.copyOf(rules);
    }

    /** The report of the last run. */
    LinkReport lastReport() {
        return lastReport;
    }

    @Override
    public ResourcePool transform(ResourcePool in, ResourcePoolBuilder out) {
        Program program = Programs.fromPool(in);
        Set<String> modules = new TreeSet<>();
        program.modules().forEach(m -> modules.add(m.name()));
        List<KeepRules> rules = new ArrayList<>();
        try {
            rules.addAll(LinkRules.of(modules));
        } catch (LinkException e) {
            throw new PluginException(e.getMessage(), e);
        }
        rules.addAll(extraRules);
        Reachability.Result result = Reachability.analyze(program, UNVERIFIED, rules, List.of());
        Map<String, List<String>> fileRules = fileRules(rules);

        Set<String> dropped = dropped(in, result, fileRules);
        Map<String, long[]> counts = new TreeMap<>();
        in.transformAndCopy(e -> {
            long[] c = counts.computeIfAbsent(e.moduleName(), k -> new long[4]);
            boolean isClass = isClass(e);
            c[0] += isClass ? 1 : 0;
            c[1] += e.contentLength();
            if (dropped.contains(e.path())) {
                return null;
            }
            c[2] += isClass ? 1 : 0;
            c[3] += e.contentLength();
            return e;
        }, out);

        List<LinkReport.Row> rows = new ArrayList<>();
        counts.forEach((m, c) -> rows.add(new LinkReport.Row(m, (int) c[0], c[1], (int) c[2], c[3])));
        lastReport = new LinkReport(rows);
        if (dir != null) {
            write(result);
        }
        return out.build();
    }

    private void write(Reachability.Result result) {
        StringBuilder kept = new StringBuilder("class\treason\n");
        result.kept().forEach((c, why) -> kept.append(c).append('\t').append(why.replace('\t', ' ')).append('\n'));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(REPORT), lastReport.encode(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(KEPT), kept, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PluginException("cannot write the link report under " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The paths of the entries to drop: classes the analysis does not keep, files whose rules'
     * classes are unused. A package of a module keeps its smallest class when nothing else of it
     * would stay: jlink requires a module's packages in the image to be its descriptor's
     * (ResourcePoolConfiguration.checkPackages), and the descriptors are already compiled into
     * the image's system-modules classes when this plugin runs.
     */
    private static Set<String> dropped(ResourcePool in, Reachability.Result result, Map<String, List<String>> fileRules) {
        Set<String> dropped = new java.util.HashSet<>();
        Set<String> keptPackages = new java.util.HashSet<>();
        Map<String, ResourcePoolEntry> smallest = new TreeMap<>();
        in.entries().forEach(e -> {
            String rest = e.path().substring(e.moduleName().length() + 2);
            boolean drop = isClass(e)
                    ? !result.keeps(rest.substring(0, rest.length() - ".class".length()))
                    : unused(fileRules.get(imagePath(e, rest)), result);
            String pkg = e.type() == ResourcePoolEntry.Type.CLASS_OR_RESOURCE && rest.lastIndexOf('/') > 0
                    ? e.moduleName() + "/" + rest.substring(0, rest.lastIndexOf('/')) : null;
            if (drop) {
                dropped.add(e.path());
                if (pkg != null && isClass(e)) {
                    smallest.merge(pkg, e, (a, b) -> b.contentLength() < a.contentLength()
                            || (b.contentLength() == a.contentLength() && b.path().compareTo(a.path()) < 0) ? b : a);
                }
            } else if (pkg != null) {
                keptPackages.add(pkg);
            }
        });
        smallest.forEach((pkg, e) -> {
            if (!keptPackages.contains(pkg)) {
                dropped.remove(e.path());
            }
        });
        return dropped;
    }

    private static boolean isClass(ResourcePoolEntry e) {
        return e.type() == ResourcePoolEntry.Type.CLASS_OR_RESOURCE
                && Programs.isClass(e.path().substring(e.moduleName().length() + 2));
    }

    /** The {@code file} rules: image path to the classes (internal names) that keep it. */
    private static Map<String, List<String>> fileRules(List<KeepRules> rules) {
        Map<String, List<String>> files = new HashMap<>();
        for (KeepRules r : rules) {
            for (KeepRules.Rule rule : r.rules()) {
                if (rule instanceof KeepRules.Rule.File f) {
                    List<String> when = files.computeIfAbsent(f.path(), k -> new ArrayList<>());
                    f.when().forEach(c -> when.add(c.replace('.', '/')));
                }
            }
        }
        return files;
    }

    private static boolean unused(List<String> keptBy, Reachability.Result result) {
        if (keptBy == null) {
            return false;
        }
        for (String c : keptBy) {
            if (result.used().contains(c)) {
                return false;
            }
        }
        return true;
    }

    /** Where jlink writes a non-class entry, relative to the image root (lib/, bin/, conf/...). */
    static String imagePath(ResourcePoolEntry e, String rest) {
        String file = rest.substring(rest.indexOf('/') + 1);
        return switch (e.type()) {
            case NATIVE_LIB -> "lib/" + file;
            case NATIVE_CMD -> "bin/" + file;
            case CONFIG -> "conf/" + file;
            case HEADER_FILE -> "include/" + file;
            case MAN_PAGE -> "man/" + file;
            case LEGAL_NOTICE -> "legal/" + e.moduleName() + "/" + file;
            case TOP -> file;
            case CLASS_OR_RESOURCE -> "lib/modules!/" + e.moduleName() + "/" + rest;
        };
    }
}
