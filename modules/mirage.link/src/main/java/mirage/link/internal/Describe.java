package mirage.link.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import mirage.core.spi.Manifest;
import mirage.link.Impl;

/**
 * {@code mirage describe}: a configured unikernel as text for people (its configure keys, its
 * device graph with each node once, its modules and their sizes, its manifest and boot plan)
 * or as a Graphviz graph. Deterministic: the same configuration and sizes give the same text.
 */
final class Describe {
    private Describe() {}

    /**
     * The text description.
     *
     * @param configured what configure resolved
     * @param sizes each module's size before class removal, computed from the module path
     * @param report the last build's link report, if it is of this configuration
     * @param reportNote why there is no report, shown when {@code report} is empty; or empty
     */
    static String text(Configure.Configured configured, SortedMap<String, ModuleSizes.Size> sizes,
            Optional<LinkReport> report, String reportNote) {
        Plan plan = configured.plan();
        Graph graph = plan.graph();
        StringBuilder b = new StringBuilder();
        b.append("unikernel ").append(plan.name()).append(": main ").append(plan.mainClass()).append(", module ")
                .append(plan.appModule()).append(", target ").append(plan.target().word()).append(", profile ")
                .append(plan.profile()).append('\n');

        b.append("\nconfigure keys:\n");
        if (configured.keys().isEmpty()) {
            b.append("  none\n");
        }
        for (Configure.Key k : configured.keys()) {
            b.append("  --").append(k.name()).append('=').append(k.value()).append("  (")
                    .append(String.join("|", k.choices())).append("; default ").append(k.defaultChoice()).append(")\n");
        }

        b.append("\ndevice graph: ").append(graph.nodes().size())
                .append(" nodes, each evaluated once at boot, in this order\n");
        List<String[]> rows = new ArrayList<>();
        for (Graph.Node n : graph.nodes()) {
            rows.add(new String[] {"#" + n.id(), Plan.label(n), n.impl().type(), usedBy(graph, n.id())});
        }
        table(b, rows, List.of(false, false, false, false));
        List<String> params = new ArrayList<>();
        graph.start().forEach(id -> params.add("#" + id));
        b.append("  start: ").append(plan.mainClass()).append(".start(").append(String.join(", ", params)).append(")\n");

        b.append("\nmodules: ").append(plan.modules().size()).append(", their class files ");
        if (report.isPresent()) {
            b.append("before and after class removal (from the last build's ").append(LinkReport.FILE).append(")\n");
        } else {
            b.append("before class removal (after: ").append(reportNote).append(")\n");
        }
        List<String[]> mods = new ArrayList<>();
        mods.add(new String[] {"module", "classes", "bytes", "classes after", "bytes after"});
        long[] total = new long[4];
        boolean allAfter = report.isPresent();
        for (String m : plan.modules()) {
            Optional<LinkReport.Row> row = report.map(r -> r.rows().get(m));
            long classes;
            long bytes;
            String after1 = "-";
            String after2 = "-";
            if (row.isPresent()) {
                classes = row.get().classesBefore();
                bytes = row.get().bytesBefore();
                after1 = Long.toString(row.get().classesAfter());
                after2 = Long.toString(row.get().bytesAfter());
                total[2] += row.get().classesAfter();
                total[3] += row.get().bytesAfter();
            } else {
                ModuleSizes.Size s = sizes.get(m);
                classes = s.classes();
                bytes = s.bytes();
                allAfter = false;
            }
            total[0] += classes;
            total[1] += bytes;
            mods.add(new String[] {m, Long.toString(classes), Long.toString(bytes), after1, after2});
        }
        mods.add(new String[] {"total", Long.toString(total[0]), Long.toString(total[1]),
                allAfter ? Long.toString(total[2]) : "-", allAfter ? Long.toString(total[3]) : "-"});
        table(b, mods, List.of(false, true, true, true, true));

        b.append("\nmanifest: ");
        Manifest manifest = plan.manifest();
        b.append(manifest.devices().isEmpty() ? "no devices\n"
                : manifest.devices().size() + (manifest.devices().size() == 1 ? " device\n" : " devices\n"));
        for (Manifest.Entry d : manifest.devices()) {
            b.append("  ").append(d.kind().name()).append(' ').append(d.name()).append('\n');
        }

        b.append("\nboot plan:\n");
        plan.encode().lines().forEach(line -> b.append("  ").append(line).append('\n'));
        return b.toString();
    }

    /** The nodes and start parameters that take node {@code id}. */
    private static String usedBy(Graph graph, int id) {
        List<String> users = new ArrayList<>();
        graph.users(id).forEach(u -> users.add("#" + u));
        graph.startParameters(id).forEach(p -> users.add("start." + p));
        return (users.size() > 1 ? "shared by " : "used by ") + String.join(", ", users);
    }

    /** Rows of cells in columns two spaces apart, each right-aligned where {@code right} says. */
    private static void table(StringBuilder b, List<String[]> rows, List<Boolean> right) {
        int[] width = new int[right.size()];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                String pad = " ".repeat(width[i] - r[i].length());
                line.append(right.get(i) ? pad + r[i] : r[i] + (i == r.length - 1 ? "" : pad));
                if (i < r.length - 1) {
                    line.append("  ");
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /**
     * The device graph in Graphviz's language: one node per graph node (the platform and loop
     * as ellipses, manifest devices as 3-D boxes, runtime arguments as notes, calls as boxes),
     * an edge from each input to its user, and the unikernel's {@code start} with an edge per
     * parameter, labelled with its position.
     */
    static String dot(Plan plan) {
        Graph graph = plan.graph();
        StringBuilder b = new StringBuilder();
        b.append("digraph ").append(quote(plan.name())).append(" {\n");
        b.append("  rankdir=LR;\n");
        b.append("  node [fontname=\"Helvetica\", fontsize=10];\n");
        b.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for (Graph.Node n : graph.nodes()) {
            String shape = switch (n.impl()) {
                case Impl.PlatformValue p -> "ellipse";
                case Impl.LoopValue l -> "ellipse";
                case Impl.Device<?> d -> "box3d";
                case Impl.Arg<?> a -> "note";
                default -> "box";
            };
            String what = n.impl() instanceof Impl.Call<?> c
                    ? c.owner() + "." + c.method() + (c.instance().isEmpty() ? "" : " instance " + c.instance())
                    : Plan.describe(n.impl());
            b.append("  n").append(n.id()).append(" [label=").append(quote("#" + n.id() + " " + what + "\n" + n.impl().type()))
                    .append(", shape=").append(shape).append("];\n");
        }
        for (Graph.Node n : graph.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                b.append("  n").append(n.inputs().get(i)).append(" -> n").append(n.id()).append(";\n");
            }
        }
        b.append("  start [label=").append(quote(plan.mainClass() + ".start")).append(", shape=doubleoctagon];\n");
        for (int i = 0; i < graph.start().size(); i++) {
            b.append("  n").append(graph.start().get(i)).append(" -> start [label=").append(quote(Integer.toString(i)))
                    .append("];\n");
        }
        b.append("}\n");
        return b.toString();
    }

    /** A Graphviz quoted string: quotes and backslashes escaped, line ends as {@code \n}. */
    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> { }
                default -> q.append(c);
            }
        }
        return q.append('"').toString();
    }

    /**
     * The link report of the last build in {@code layout}, if that build linked exactly
     * {@code plan} (its image carries the same boot plan); else why not, as a short phrase.
     */
    static Report report(Layout layout, Plan plan) {
        Path file = layout.build().resolve(LinkReport.FILE);
        if (!Files.isRegularFile(file)) {
            return new Report(Optional.empty(), "shown once a build has written _build/" + LinkReport.FILE);
        }
        try {
            Path imagePlan = layout.image().resolve(MiragePlugin.IMAGE_PLAN);
            if (!Files.isRegularFile(imagePlan)
                    || !Files.readString(imagePlan, StandardCharsets.UTF_8).equals(plan.encode())) {
                return new Report(Optional.empty(), "the last build linked another configuration; build again");
            }
            return new Report(Optional.of(LinkReport.parse(Files.readString(file, StandardCharsets.UTF_8))), "");
        } catch (IOException | java.io.UncheckedIOException e) {
            return new Report(Optional.empty(), "cannot read _build/" + LinkReport.FILE + ": " + e.getMessage());
        } catch (LinkException e) {
            return new Report(Optional.empty(), "unreadable: " + e.getMessage());
        }
    }

    /**
     * What {@link #report} found.
     *
     * @param report the report, if it is of the plan
     * @param note why there is none
     */
    record Report(Optional<LinkReport> report, String note) {}
}
