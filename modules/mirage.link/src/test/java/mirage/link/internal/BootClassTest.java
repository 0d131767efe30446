package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.attribute.ModuleAttribute;
import java.lang.constant.ModuleDesc;
import java.lang.invoke.MethodHandles;
import java.lang.module.ModuleDescriptor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import mirage.core.Arguments;
import mirage.core.RuntimeArg;
import mirage.core.spi.Boot;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
import mirage.link.Devices;
import mirage.link.Impl;
import mirage.link.Target;
import org.junit.jupiter.api.Test;
import mirage.testkit.VirtualPlatform;
import mirage.testkit.ManualLoop;

class BootClassTest {
    static final RuntimeArg<String> TEXT = RuntimeArg.string("text", "a b\tc", "Some text.");
    static final RuntimeArg<Integer> COUNT = RuntimeArg.integer("count", 4, "A count.");
    static final RuntimeArg<Long> BIG = RuntimeArg.longInteger("big", 1L << 40, "A big one.");
    static final RuntimeArg<Boolean> FLAG = RuntimeArg.flag("flag", "A flag.");
    static final RuntimeArg<java.time.Duration> PAUSE = RuntimeArg.duration("pause", Duration.ofMillis(250), "A pause.");

    static Plan plan() {
        return plan(Target.SOLO5);
    }

    static Plan plan(Target target) {
        List<Impl<?>> start = List.of(Devices.console(), Devices.loop(), Devices.arg(TEXT), Devices.arg(COUNT),
                Devices.arg(BIG), Devices.arg(FLAG), Devices.arg(PAUSE), Devices.arg(COUNT));
        String descriptor = "(Lmirage/core/Console;Lmirage/core/spi/EventLoop;Ljava/lang/String;IJZLjava/time/Duration;"
                + "Ljava/lang/Integer;)V";
        return new Plan("fake", target, "fake", FakeUnikernel.class.getName(), descriptor, start,
                List.of(TEXT, COUNT, BIG, FLAG, PAUSE), new TreeSet<>(Set.of("fake", "java.base", "mirage.core")),
                Manifest.EMPTY, "minimal");
    }

    @Test
    void generated_start_passes_each_implementation_in_parameter_order() throws Throwable {
        Plan plan = plan();
        byte[] bytes = BootClass.generate(plan);
        ClassModel model = ClassFile.of().parse(bytes);
        assertEquals("mirage/link/internal/MirageBoot", model.thisClass().asInternalName());
        assertEquals(List.of(), ClassFile.of().verify(model).stream().filter(e -> !e.getMessage().contains("load"))
                .collect(Collectors.toList()), "the verifier finds nothing wrong");

        Class<?> boot = MethodHandles.lookup().defineClass(bytes);
        Boot.Entry entry = (Boot.Entry) boot.getConstructor().newInstance();
        VirtualPlatform platform = VirtualPlatform.create();
        EventLoop loop = ManualLoop.create();
        Arguments arguments = Arguments.parse(plan.args(), List.of("--count=7", "--flag", "--pause=2s"));
        entry.start(new Boot.Context() {
            @Override
            public Platform platform() {
                return platform;
            }

            @Override
            public EventLoop loop() {
                return loop;
            }

            @Override
            public Arguments arguments() {
                return arguments;
            }
        });
        Object[] got = FakeUnikernel.received;
        assertSame(platform.console(), got[0]);
        assertSame(loop, got[1]);
        assertArrayEquals(new Object[] {"a b\tc", 7, 1L << 40, true, Duration.ofSeconds(2), 7},
                java.util.Arrays.copyOfRange(got, 2, got.length));
    }

    /** The first calls of main: solo5's begins with Solo5.begin(argv), which starts the sandbox's link (0080). */
    private static List<String> mainCalls(Target target) {
        ClassModel model = ClassFile.of().parse(BootClass.generate(plan(target)));
        return model.methods().stream().filter(m -> m.methodName().equalsString("main")).findFirst().orElseThrow()
                .code().orElseThrow().elementStream()
                .filter(e -> e instanceof java.lang.classfile.instruction.InvokeInstruction)
                .map(e -> (java.lang.classfile.instruction.InvokeInstruction) e)
                .map(i -> i.owner().asInternalName() + "." + i.name().stringValue() + i.type().stringValue())
                .limit(2).toList();
    }

    @Test
    void main_begins_with_the_targets_begin_call_with_the_command_line() {
        assertEquals("mirage/platform/solo5/Solo5.begin([Ljava/lang/String;)V", mainCalls(Target.SOLO5).get(0));
        assertEquals("mirage/link/internal/MirageBoot.<init>()V", mainCalls(Target.VIRTIO).get(0));
        assertEquals("mirage/link/internal/MirageBoot.<init>()V", mainCalls(Target.XEN).get(0));
    }

    @Test
    void the_same_plan_generates_the_same_bytes() {
        assertArrayEquals(BootClass.generate(plan()), BootClass.generate(plan()));
    }

    @Test
    void rewritten_descriptor_requires_the_platform_and_names_the_boot_class() throws Exception {
        byte[] original = ClassFile.of().buildModule(ModuleAttribute.of(ModuleDesc.of("fake"), m -> m
                .requires(ModuleDesc.of("java.base"), ClassFile.ACC_MANDATED, null)
                .requires(ModuleDesc.of("mirage.core"), 0, null)
                .exports(java.lang.constant.PackageDesc.of("mirage.link.internal"), 0)));
        byte[] rewritten = BootClass.rewriteModuleInfo(original, plan(), Set.of("fake", "mirage.core", "mirage.platform.solo5"));
        ModuleDescriptor d = ModuleDescriptor.read(ByteBuffer.wrap(rewritten), () -> Set.of("mirage.link.internal"));
        assertEquals("fake", d.name());
        assertEquals(Set.of("java.base", "mirage.core", "mirage.platform.solo5"),
                d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
        assertEquals(Optional.of("mirage.link.internal.MirageBoot"), d.mainClass());
        assertEquals(Set.of("mirage.link.internal"),
                d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertTrue(d.requires().stream().filter(r -> r.name().equals("java.base"))
                .allMatch(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.MANDATED)));
    }
}
