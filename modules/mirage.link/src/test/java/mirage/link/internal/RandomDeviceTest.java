package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.invoke.MethodHandles;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import mirage.core.Arguments;
import mirage.core.Entropy;
import mirage.core.Rng;
import mirage.core.spi.Boot;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
import mirage.link.Devices;
import mirage.link.Impl;
import mirage.link.Target;
import org.junit.jupiter.api.Test;
import mirage.testkit.VirtualPlatform;

/** {@link Devices#random()}: its shape, configure's check of it, and the boot class calling it. */
class RandomDeviceTest {

    @Test
    void is_rng_drbg_over_the_platforms_entropy() {
        assertEquals(new Impl.Call<>("mirage.core", "mirage.core.Rng", "drbg", "mirage.core.Rng",
                Impl.Dispatch.STATIC_INTERFACE, List.of(Devices.entropy())), Devices.random());
        assertEquals("mirage.core.Rng", Devices.random().type());
    }

    /** A layer holding mirage.core as a named module, as configure's layer holds it. */
    private static ModuleLayer coreLayer() throws Exception {
        Path core = Path.of(Rng.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = Configuration.resolve(ModuleFinder.of(), List.of(boot.configuration()), ModuleFinder.of(core),
                Set.of("mirage.core"));
        return ModuleLayer.defineModulesWithOneLoader(cf, List.of(boot), ClassLoader.getSystemClassLoader()).layer();
    }

    @Test
    void configure_accepts_it() throws Exception {
        ModuleLayer layer = coreLayer();
        assertDoesNotThrow(() -> Configure.checkImpl(Devices.random(), layer, new LinkedHashMap<>(), "parameter 1"));
        // and the check does check: the same call misdeclared is refused
        Impl<?> wrong = new Impl.Call<>("mirage.core", "mirage.core.Rng", "drbg", "mirage.core.Rng",
                Impl.Dispatch.STATIC_CLASS, List.of(Devices.entropy()));
        assertThrows(LinkException.class, () -> Configure.checkImpl(wrong, layer, new LinkedHashMap<>(), "parameter 1"));
    }

    @Test
    void the_boot_class_passes_a_drbg_that_reads_entropy_only_when_drawn_from() throws Throwable {
        Plan plan = new Plan("fake", Target.SOLO5, "fake", FakeRandomUnikernel.class.getName(), "(Lmirage/core/Rng;)V",
                List.of(Devices.random()), List.of(), new TreeSet<>(Set.of("fake", "java.base", "mirage.core")),
                Manifest.EMPTY, "minimal");
        // hidden, so as not to clash with the MirageBoot that BootClassTest defines in this loader
        Class<?> boot = MethodHandles.lookup().defineHiddenClass(BootClass.generate(plan), true).lookupClass();
        Boot.Entry entry = (Boot.Entry) boot.getConstructor().newInstance();
        AtomicInteger reads = new AtomicInteger();
        Entropy entropy = dst -> {
            reads.incrementAndGet();
            java.util.Arrays.fill(dst, (byte) 7);
        };
        Platform platform = VirtualPlatform.create().entropy(entropy);
        Arguments arguments = Arguments.parse(List.of(), List.of());
        entry.start(new Boot.Context() {
            @Override public Platform platform() { return platform; }
            @Override public EventLoop loop() { throw new UnsupportedOperationException(); }
            @Override public Arguments arguments() { return arguments; }
        });
        Rng rng = FakeRandomUnikernel.received;
        assertEquals(0, reads.get(), "nothing is read at boot");
        long x = rng.nextLong();
        assertEquals(1, reads.get());
        assertEquals(Rng.drbg(entropy).nextLong(), x, "an HMAC_DRBG over the platform's entropy");
    }
}
