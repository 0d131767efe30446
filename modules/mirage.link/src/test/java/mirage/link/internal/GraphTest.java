package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import mirage.core.Arguments;
import mirage.core.spi.Boot;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
import mirage.link.Devices;
import mirage.link.Impl;
import mirage.link.Target;
import org.junit.jupiter.api.Test;
import mirage.testkit.VirtualPlatform;

/** The device graph: equal nodes are one device, evaluated once by the boot class, in a fixed order. */
class GraphTest {

    @Test
    void echosGraph_hasOneRandomGenerator_usedByTheStackAndTls_andEachNodeAfterItsInputs() {
        List<Impl<?>> start = List.of(Devices.console(), Devices.directStack("service"), Devices.tlsServer());
        Graph g = Graph.of(start);
        List<Graph.Node> drbgs = g.nodes().stream()
                .filter(n -> n.impl() instanceof Impl.Call<?> c && c.method().equals("drbg")).toList();
        assertEquals(1, drbgs.size(), "one DRBG");
        int drbg = drbgs.getFirst().id();
        List<Integer> users = g.users(drbg);
        assertEquals(2, users.size());
        assertEquals("direct", ((Impl.Call<?>) g.node(users.get(0)).impl()).method());
        assertEquals("fromArguments", ((Impl.Call<?>) g.node(users.get(1)).impl()).method());
        assertEquals(1, g.nodes().stream().filter(n -> n.impl() instanceof Impl.PlatformValue).count(), "one platform");
        for (Graph.Node n : g.nodes()) {
            assertEquals(n, g.node(n.id()));
            n.inputs().forEach(i -> assertTrue(i < n.id(), "input " + i + " of node " + n.id() + " comes first"));
        }
        assertEquals(new Impl.PlatformValue(), g.node(1).impl(), "depth first from the first parameter");
        assertEquals(Devices.console(), g.node(2).impl());
        assertEquals(List.of(2, users.get(0), users.get(1)), g.start());
        assertEquals(g.nodes(), Graph.of(start).nodes(), "the same job, the same graph");
    }

    @Test
    void instanceLabels_makeSeparateNodes_thatStillShareTheirInputs() {
        Graph g = Graph.of(List.of(Devices.memoryKv(), Devices.memoryKv(), Devices.instance("cache", Devices.memoryKv())));
        assertEquals(List.of(3, 3, 4), g.start(), "platform, wall clock, then the stores: " + g.nodes());
        assertEquals(List.of(0, 1), g.startParameters(3));
        assertEquals(g.node(3).inputs(), g.node(4).inputs(), "one wall clock for both stores");

        Graph stores = Graph.of(List.of(Devices.memoryGitStore(), Devices.instance("other", Devices.memoryGitStore())));
        assertEquals(4, stores.nodes().size(), "platform, wall clock, two stores: " + stores.nodes());
        assertEquals(stores.node(3).inputs(), stores.node(4).inputs(), "one wall clock for both");

        assertThrows(IllegalArgumentException.class, () -> Devices.instance("x", Devices.block("disk")));
        assertThrows(IllegalArgumentException.class, () -> Devices.instance("Bad Label", Devices.memoryKv()));
        Impl<?> selected = Devices.instance("y", Devices.stack("service"));
        assertEquals("y", ((Impl.Call<?>) ((Impl.Select<?>) selected).choices().get("host")).instance());
    }

    @Test
    void anUnresolvedConfigureKey_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> Graph.of(List.of(Devices.stack("service"))));
    }

    @Test
    void theBootClass_evaluatesEachNodeOnce_andPassesOneInstanceToEveryUser() throws Throwable {
        Plan plan = new Plan("fake", Target.SOLO5, "fake", SharingUnikernel.class.getName(),
                "(Lmirage/core/Rng;Lmirage/core/Rng;Lmirage/kv/KvRw;Lmirage/kv/KvRw;Lmirage/kv/KvRw;)V",
                List.of(Devices.random(), Devices.random(), Devices.memoryKv(), Devices.memoryKv(),
                        Devices.instance("cache", Devices.memoryKv())),
                List.of(), new TreeSet<>(Set.of("fake", "java.base", "mirage.core", "mirage.kv", "mirage.time")), Manifest.EMPTY, "minimal");
        byte[] bytes = BootClass.generate(plan);
        MethodModel start = ClassFile.of().parse(bytes).methods().stream()
                .filter(m -> m.methodName().equalsString("start")).findFirst().orElseThrow();
        List<String> calls = start.code().orElseThrow().elementStream()
                .filter(e -> e instanceof InvokeInstruction)
                .map(e -> ((InvokeInstruction) e).owner().asInternalName() + "." + ((InvokeInstruction) e).name())
                .toList();
        assertEquals(1, calls.stream().filter("mirage/core/Rng.drbg"::equals).count(), calls.toString());
        assertEquals(1, calls.stream().filter("mirage/core/spi/Platform.entropy"::equals).count(), calls.toString());
        assertEquals(2, calls.stream().filter("mirage/kv/KvRw.memory"::equals).count(), calls.toString());

        // hidden, so as not to clash with the MirageBoot other tests define in this loader
        Class<?> boot = MethodHandles.lookup().defineHiddenClass(bytes, true).lookupClass();
        Boot.Entry entry = (Boot.Entry) boot.getConstructor().newInstance();
        Platform platform = VirtualPlatform.create().entropy(dst -> java.util.Arrays.fill(dst, (byte) 1));
        Arguments arguments = Arguments.parse(List.of(), List.of());
        entry.start(new Boot.Context() {
            @Override public Platform platform() { return platform; }
            @Override public EventLoop loop() { throw new UnsupportedOperationException(); }
            @Override public Arguments arguments() { return arguments; }
        });
        Object[] got = SharingUnikernel.received;
        assertSame(got[0], got[1], "one DRBG");
        assertSame(got[2], got[3], "one store");
        assertNotSame(got[2], got[4], "the cache is an instance of its own");
    }
}
