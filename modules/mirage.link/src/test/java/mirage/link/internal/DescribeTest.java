package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import mirage.core.RuntimeArg;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.link.Devices;
import mirage.link.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mirage describe}'s text and Graphviz forms, and where the sizes after removal come from. */
class DescribeTest {
    static final RuntimeArg<Duration> KEEPALIVE = RuntimeArg.duration("tcp-keepalive", Duration.ZERO, "Keepalive.");

    /** The shape of examples/echo, configured with the direct stack. */
    static Configure.Configured echo() {
        Plan plan = new Plan("echo", Target.SOLO5, "echo", "echo.Echo", "()V",
                List.of(Devices.console(), Devices.directStack("service"), Devices.arg(KEEPALIVE), Devices.tlsServer()),
                List.of(Devices.IPV4, Devices.IPV4_GATEWAY, Devices.IPV6, Devices.IPV6_GATEWAY, Devices.IPV4_ONLY, Devices.IPV6_ONLY,
                        Devices.ACCEPT_ROUTER_ADVERTISEMENTS, KEEPALIVE, Devices.TLS_CERT, Devices.TLS_KEY, Devices.TLS_NAME),
                new TreeSet<>(Set.of("echo", "java.base")),
                new Manifest(List.of(new Manifest.Entry("service", DeviceKind.NET_BASIC))), "minimal");
        return new Configure.Configured(plan, List.of(new Configure.Key("stack", "direct", "direct", List.of("direct", "host"))));
    }

    static SortedMap<String, ModuleSizes.Size> sizes() {
        return new TreeMap<>(java.util.Map.of("echo", new ModuleSizes.Size(9, 22727), "java.base", new ModuleSizes.Size(7401, 29617657)));
    }

    @Test
    void text_showsEachNodeOnce_withItsInputsTypeAndUsers_thenModulesManifestAndPlan() {
        String text = Describe.text(echo(), sizes(), Optional.empty(), "not linked yet");
        assertTrue(text.startsWith("""
                unikernel echo: main echo.Echo, module echo, target solo5, profile minimal

                configure keys:
                  --stack=direct  (direct|host; default direct)

                device graph: 21 nodes, each evaluated once at boot, in this order
                  #1   platform                                                         mirage.core.spi.Platform   shared by #2, #13, #17
                  #2   mirage.core.spi.Platform.console(#1)                             mirage.core.Console        used by start.0
                """), text);
        assertTrue(text.contains("""
                  #11  mirage.net.NetConfig.fromArguments(#4, #5, #6, #7, #8, #9, #10)  mirage.net.NetConfig       used by #15
                  #12  loop                                                             mirage.core.spi.EventLoop  used by #15
                  #13  mirage.core.spi.Platform.entropy(#1)                             mirage.core.Entropy        used by #14
                  #14  mirage.core.Rng.drbg(#13)                                        mirage.core.Rng            shared by #15, #21
                  #15  mirage.net.Stack.direct(#3, #11, #12, #14)                       mirage.net.DirectStack     used by start.1
                """), text);
        assertTrue(text.contains("""
                  start: echo.Echo.start(#2, #15, #16, #21)

                modules: 2, their class files before class removal (after: not linked yet)
                  module     classes     bytes  classes after  bytes after
                  echo             9     22727              -            -
                  java.base     7401  29617657              -            -
                  total         7410  29640384              -            -

                manifest: 1 device
                  NET_BASIC service

                boot plan:
                  mirage-boot-plan 1
                  name\techo
                """), text);
        String graph = text.substring(text.indexOf("device graph:"), text.indexOf("modules:"));
        assertEquals(1, graph.lines().filter(l -> l.contains("Rng.drbg(")).count(), "one DRBG, shown once");
        assertTrue(text.contains("  node\t14\tmirage.core.Rng.drbg(#13)\tmirage.core.Rng\n"), "and once in the plan: " + text);
        assertTrue(text.endsWith("  device\tNET_BASIC\tservice\n"), text);
    }

    @Test
    void text_withAReportOfThisPlan_showsBeforeAndAfterFromIt() throws Exception {
        LinkReport report = LinkReport.parse(LinkReport.HEADER + "\necho\t9\t22800\t7\t20000\njava.base\t7401\t29617657\t1500\t6000000\n");
        String text = Describe.text(echo(), sizes(), Optional.of(report), "");
        assertTrue(text.contains("""
                modules: 2, their class files before and after class removal (from the last build's link-report.tsv)
                  module     classes     bytes  classes after  bytes after
                  echo             9     22800              7        20000
                  java.base     7401  29617657           1500      6000000
                  total         7410  29640457           1507      6020000
                """), text);
    }

    @Test
    void report_isReadOnlyWhenTheImageWasLinkedFromThisPlan_andAMalformedOneIsNamed(@TempDir Path dir) throws Exception {
        Layout layout = new Layout(dir);
        Plan plan = echo().plan();
        assertEquals("shown once a build has written _build/link-report.tsv", Describe.report(layout, plan).note());
        Files.createDirectories(layout.image());
        Files.writeString(layout.build().resolve(LinkReport.FILE), LinkReport.HEADER + "\necho\t1\t2\t3\t4\n");
        Files.writeString(layout.image().resolve(MiragePlugin.IMAGE_PLAN), "mirage-boot-plan 1\nname\tother\n");
        assertEquals("the last build linked another configuration; build again", Describe.report(layout, plan).note());
        Files.writeString(layout.image().resolve(MiragePlugin.IMAGE_PLAN), plan.encode());
        Describe.Report found = Describe.report(layout, plan);
        assertEquals(new LinkReport.Row(1, 2, 3, 4), found.report().orElseThrow().rows().get("echo"));
        Files.writeString(layout.build().resolve(LinkReport.FILE), "rubbish");
        assertEquals("unreadable: link-report.tsv line 1: not the header "
                + "'module\\tclassesBefore\\tbytesBefore\\tclassesAfter\\tbytesAfter'", Describe.report(layout, plan).note());
    }

    @Test
    void dot_hasANodePerGraphNode_anEdgePerInput_andStartsParameters() {
        Plan plan = echo().plan();
        String dot = Describe.dot(plan);
        assertTrue(dot.startsWith("digraph \"echo\" {\n"), dot);
        assertTrue(dot.endsWith("}\n"), dot);
        Graph g = plan.graph();
        assertEquals(g.nodes().size(), dot.lines().filter(l -> l.matches("  n\\d+ \\[label=.*")).count());
        long inputs = g.nodes().stream().mapToLong(n -> n.inputs().size()).sum();
        assertEquals(inputs, dot.lines().filter(l -> l.matches("  n\\d+ -> n\\d+;")).count());
        assertTrue(dot.contains("  n14 [label=\"#14 mirage.core.Rng.drbg\\nmirage.core.Rng\", shape=box];\n"), dot);
        assertTrue(dot.contains("  n14 -> n15;\n  n14 -> n21;\n") || (dot.contains("  n14 -> n15;\n") && dot.contains("  n14 -> n21;\n")), dot);
        assertTrue(dot.contains("  n3 [label=\"#3 device service (NET_BASIC)\\nmirage.net.Netif\", shape=box3d];\n"), dot);
        assertTrue(dot.contains("  n21 -> start [label=\"3\"];\n"), dot);
        assertEquals("\"a\\\"b\\\\c\\nd\"", Describe.quote("a\"b\\c\nd"));
    }
}
