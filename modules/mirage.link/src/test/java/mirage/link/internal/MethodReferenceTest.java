package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.core.RuntimeArg;
import mirage.link.Devices;
import mirage.link.Impl;
import mirage.link.Job;
import org.junit.jupiter.api.Test;

/** Method references in descriptions: what {@code Main::start} and {@code Devices.call} read from them. */
class MethodReferenceTest {
    static final RuntimeArg<Long> SECONDS = RuntimeArg.longInteger("seconds", 5L, "Seconds.");
    static final RuntimeArg<String> TEXT = RuntimeArg.string("text", "x", "Text.");

    @Test
    void start_namesTheMainClass() {
        Job job = Job.named("hello").start(DescribedUnikernel::start).with(Devices.console()).with(Devices.sleep())
                .with(Devices.arg(TEXT)).with(Devices.arg(RuntimeArg.integer("count", 1, "Count.")));
        assertEquals(Optional.of(DescribedUnikernel.class), job.main());
        assertEquals(4, job.start().size());
    }

    @Test
    void start_refusesOtherMethods_lambdas_andObjects() {
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> Job.named("x").start(DescribedUnikernel::hashCode));
        assertEquals("Job.start takes the main class's start method, as Main::start, not "
                + "mirage.link.internal.DescribedUnikernel::hashCode", other.getMessage());
        IllegalArgumentException lambda = assertThrows(IllegalArgumentException.class,
                () -> Job.named("x").start((DescribedUnikernel u) -> { }));
        assertEquals("Job.start takes a method reference such as Main::start, not a lambda", lambda.getMessage());
        IllegalArgumentException object = assertThrows(IllegalArgumentException.class,
                () -> Job.named("x").start(new Job.Start0<DescribedUnikernel>() {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public void start(DescribedUnikernel unikernel) { }
                }));
        assertTrue(object.getMessage().startsWith("Job.start takes a method reference such as Main::start, not an object of "),
                object.getMessage());
    }

    @Test
    void call_ofAStaticMethod_isACallOfItsDeclaredTypes_inItsModule() {
        Impl<java.time.Duration> seconds = Devices.call(java.time.Duration::ofSeconds, Devices.arg(SECONDS));
        assertEquals(new Impl.Call<>("java.base", "java.time.Duration", "ofSeconds", "java.time.Duration",
                Impl.Dispatch.STATIC_CLASS, List.of("long"), List.of(Devices.arg(SECONDS)), ""), seconds);
        Impl<List<Object>> empty = Devices.call(List::of);
        assertEquals(new Impl.Call<>("java.base", "java.util.List", "of", "java.util.List", Impl.Dispatch.STATIC_INTERFACE,
                List.of(), List.of(), ""), empty);
    }

    @Test
    void call_ofAnInterfacesMethod_takesTheReceiverFirst() {
        Impl<java.util.stream.IntStream> text = Devices.call(CharSequence::chars, Devices.arg(TEXT));
        assertEquals(new Impl.Call<>("java.base", "java.lang.CharSequence", "chars", "java.util.stream.IntStream",
                Impl.Dispatch.INSTANCE, List.of(), List.of(Devices.arg(TEXT)), ""), text);
    }

    @Test
    void call_refusesLambdas_constructors_classInstanceMethods_andUnnamedModules() {
        IllegalArgumentException lambda = assertThrows(IllegalArgumentException.class,
                () -> Devices.call(() -> "made"));
        assertEquals("Devices.call takes a method reference such as Main::start, not a lambda", lambda.getMessage());
        IllegalArgumentException constructor = assertThrows(IllegalArgumentException.class,
                () -> Devices.call(StringBuilder::new));
        assertTrue(constructor.getMessage().startsWith("Devices.call takes a static method or an interface's method, not "
                + "java.lang.StringBuilder::<init>"), constructor.getMessage());
        IllegalArgumentException virtual = assertThrows(IllegalArgumentException.class,
                () -> Devices.call(String::trim, Devices.arg(TEXT)));
        assertTrue(virtual.getMessage().contains("java.lang.String::trim (invokeVirtual)"), virtual.getMessage());
        // on the test class path mirage.core is not a named module: an image could not link it
        IllegalArgumentException unnamed = assertThrows(IllegalArgumentException.class,
                () -> Devices.call(Rng::drbg, Devices.entropy()));
        assertEquals("Devices.call: mirage.core.Rng is not in a named module, so the image cannot link it", unnamed.getMessage());
        IllegalArgumentException primitive = assertThrows(IllegalArgumentException.class,
                () -> Devices.call(Math::abs, Devices.arg(SECONDS)));
        assertTrue(primitive.getMessage().contains("returns long; a device is an object"), primitive.getMessage());
    }
}
