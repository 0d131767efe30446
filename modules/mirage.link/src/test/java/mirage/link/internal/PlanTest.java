package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PlanTest {
    @Test
    void text_form_is_deterministic_and_escapes_fields() {
        String text = BootClassTest.plan().encode();
        assertEquals(text, BootClassTest.plan().encode());
        assertTrue(text.startsWith(Plan.HEADER + "\n"));
        assertTrue(text.contains("arg\ttext\tSTRING\tdefault=a b\\tc\tSome text.\n"), text);
        assertTrue(text.contains("arg\tpause\tDURATION\tdefault=250ms\tA pause.\n"), text);
        assertTrue(text.contains("node\t1\tplatform\tmirage.core.spi.Platform\n"
                + "node\t2\tmirage.core.spi.Platform.console(#1)\tmirage.core.Console\n"), text);
        assertTrue(text.contains("start\t0\t#2\n"), text);
        assertTrue(text.contains("start\t3\t#5\n") && text.contains("start\t7\t#5\n"), "--count is one node: " + text);
    }

    @Test
    void module_set_reads_back_from_the_text() throws Exception {
        assertEquals(new TreeSet<>(Set.of("fake", "java.base", "mirage.core")), Plan.modulesOf(BootClassTest.plan().encode()));
        assertThrows(LinkException.class, () -> Plan.modulesOf("something else\n"));
        assertThrows(LinkException.class, () -> Plan.modulesOf(Plan.HEADER + "\nname\tx\n"));
    }

    @Test
    void roots_are_the_app_the_platform_and_the_implementations_modules() {
        assertEquals(new TreeSet<>(Set.of("fake", "mirage.core", "mirage.platform.solo5")), BootClassTest.plan().roots());
    }

    @Test
    void manifest_collectsEveryDeviceOnce_inOrderOfUse_andRefusesOneNameTwoKinds() throws Exception {
        mirage.link.Impl<?> a = mirage.link.Devices.directStack("service");
        mirage.link.Impl<?> b = mirage.link.Devices.netif("backup");
        mirage.link.Impl<?> again = mirage.link.Devices.netif("service");
        mirage.core.spi.Manifest m = Configure.manifest(java.util.List.of(a, b, again));
        assertEquals(java.util.List.of(
                new mirage.core.spi.Manifest.Entry("service", mirage.core.spi.DeviceKind.NET_BASIC),
                new mirage.core.spi.Manifest.Entry("backup", mirage.core.spi.DeviceKind.NET_BASIC)), m.devices());
        mirage.link.Impl<?> block = mirage.link.Devices.block("service");
        LinkException e = assertThrows(LinkException.class, () -> Configure.manifest(java.util.List.of(a, block)));
        assertTrue(e.getMessage().contains("device service is used as NET_BASIC and as BLOCK_BASIC"), e.getMessage());
        assertEquals(mirage.core.spi.Manifest.EMPTY, Configure.manifest(java.util.List.of(mirage.link.Devices.console())));
        assertThrows(IllegalArgumentException.class, () -> mirage.link.Devices.netif("1bad name"));
    }

    @Test
    void stack_describesItsDevice_andRootsIncludeTheNetworkModule() {
        mirage.link.Impl<?> stack = mirage.link.Devices.directStack("service");
        assertEquals("mirage.net.Stack.direct(device service (NET_BASIC), mirage.net.NetConfig.fromArguments(--ipv4, "
                + "--ipv4-gateway, --ipv6, --ipv6-gateway, --ipv4-only, --ipv6-only, --accept-router-advertisements), loop, mirage.core.Rng.drbg(mirage.core.spi.Platform.entropy(platform)))", Plan.describe(stack));
        Plan p = BootClassTest.plan();
        Plan withStack = new Plan(p.name(), p.target(), p.appModule(), p.mainClass(), p.startDescriptor(),
                java.util.List.of(stack), p.args(), p.modules(), p.manifest(), p.profile());
        assertTrue(withStack.roots().contains("mirage.net"), withStack.roots().toString());
    }

    @Test
    void select_defaultOrGivenChoice_nestedInCalls_unknownKeysAndValuesRefused() throws Exception {
        mirage.link.Impl<?> stack = mirage.link.Devices.stack("service");
        java.util.List<mirage.link.Impl<?>> start = java.util.List.of(mirage.link.Devices.console(), stack);
        java.util.List<mirage.link.Impl<?>> direct = Configure.select(start, java.util.Map.of());
        assertEquals(mirage.link.Devices.directStack("service"), direct.get(1));
        java.util.List<mirage.link.Impl<?>> host = Configure.select(start, java.util.Map.of("stack", "host"));
        assertEquals(mirage.link.Devices.hostStack(), host.get(1));
        assertEquals(mirage.core.spi.Manifest.EMPTY, Configure.manifest(host), "the host stack needs no device");
        LinkException unknown = assertThrows(LinkException.class, () -> Configure.select(start, java.util.Map.of("net", "host")));
        assertEquals("unknown configure key --net: this unikernel declares --stack=direct|host", unknown.getMessage());
        LinkException value = assertThrows(LinkException.class, () -> Configure.select(start, java.util.Map.of("stack", "socket")));
        assertEquals("configure key --stack=socket: not one of direct, host", value.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new mirage.link.Impl.Select<>("stack", "other",
                new java.util.LinkedHashMap<>(java.util.Map.of("direct", mirage.link.Devices.console()))));
    }
}
