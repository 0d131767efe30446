package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import mirage.link.Devices;
import mirage.link.Impl;
import org.junit.jupiter.api.Test;

/**
 * Every factory of {@link Devices}: its phantom type is the type it names, and configure's own
 * check accepts it against the real library modules (so a misspelt owner, method or parameter
 * type is caught here, not at a user's configure).
 */
class DevicesTest {

    /** A layer of the library modules as named modules, from the jars (or classes) on the test class path. */
    static ModuleLayer libraryLayer() throws Exception {
        Set<Path> paths = new LinkedHashSet<>();
        for (String anchor : List.of("mirage.core.Rng", "mirage.time.Sleep", "mirage.net.Stack", "mirage.tls.Tls",
                "mirage.kv.KvRw", "mirage.block.Block", "mirage.gitstore.GitStore", "org.bouncycastle.tls.TlsClientProtocol",
                "org.bouncycastle.cert.X509CertificateHolder", "org.bouncycastle.jce.provider.BouncyCastleProvider",
                "org.bouncycastle.asn1.cms.ContentInfo", "org.bouncycastle.util.Arrays", "org.eclipse.jgit.lib.Repository",
                "org.slf4j.Logger")) {
            paths.add(Path.of(Class.forName(anchor).getProtectionDomain().getCodeSource().getLocation().toURI()));
        }
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = Configuration.resolve(ModuleFinder.of(), List.of(boot.configuration()),
                ModuleFinder.of(paths.toArray(Path[]::new)),
                Set.of("mirage.core", "mirage.time", "mirage.net", "mirage.tls", "mirage.kv", "mirage.block", "mirage.gitstore"));
        return ModuleLayer.defineModulesWithOneLoader(cf, List.of(boot), ClassLoader.getSystemClassLoader()).layer();
    }

    /** Every public factory of Devices, applied to a device name, a block device or a KV_RO device where it takes one. */
    static List<Method> factories() {
        List<Method> all = new ArrayList<>();
        for (Method m : Devices.class.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())
                    && !List.of("arg", "select", "instance", "call").contains(m.getName())) {
                all.add(m);
            }
        }
        return all;
    }

    static Impl<?> make(Method factory) throws Exception {
        Class<?>[] params = factory.getParameterTypes();
        Object[] args = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            args[i] = params[i] == String.class ? "disk"
                    : factory.getGenericParameterTypes()[i].getTypeName().contains("KvRo") ? Devices.kvRo("certs")
                    : Devices.block("disk");
        }
        return (Impl<?>) factory.invoke(null, args);
    }

    /** The factory's node, or each choice of its select. */
    static List<Impl<?>> resolved(Method factory) throws Exception {
        Impl<?> impl = make(factory);
        if (impl instanceof Impl.Select<?> sel) {
            List<Impl<?>> choices = new ArrayList<>();
            for (String value : sel.choices().keySet()) {
                choices.addAll(Configure.select(List.of(impl), java.util.Map.of(sel.key(), value)));
            }
            return choices;
        }
        return List.of(impl);
    }

    @Test
    void eachFactorysPhantomType_isTheTypeItNames_orASupertypeOfEachChoice() throws Exception {
        assertTrue(factories().size() >= 20, factories().toString());
        ModuleLayer layer = libraryLayer();
        ClassLoader loader = layer.findLoader("mirage.core");
        for (Method factory : factories()) {
            Type t = ((ParameterizedType) factory.getGenericReturnType()).getActualTypeArguments()[0];
            if (make(factory) instanceof Impl.Select<?>) {
                Class<?> phantom = Class.forName(t.getTypeName(), false, loader);
                for (Impl<?> choice : resolved(factory)) {
                    assertTrue(phantom.isAssignableFrom(Class.forName(choice.type(), false, loader)), factory.getName());
                }
            } else {
                assertEquals(t.getTypeName(), make(factory).type(), factory.getName());
            }
        }
    }

    @Test
    void configuresCheck_acceptsEachFactory_againstTheLibraries() throws Exception {
        ModuleLayer layer = libraryLayer();
        for (Method factory : factories()) {
            for (Impl<?> impl : resolved(factory)) {
                assertDoesNotThrow(() -> Configure.checkImpl(impl, layer, new LinkedHashMap<>(), factory.getName()),
                        factory.getName());
            }
        }
        // and it does check: a parameter type that is not the method's is refused
        Impl.Call<?> tls = (Impl.Call<?>) Devices.tlsServer();
        Impl<?> wrong = new Impl.Call<>(tls.module(), tls.owner(), tls.method(), tls.type(), tls.dispatch(),
                List.of("mirage.core.Rng", "mirage.time.WallClock", "java.lang.String", "java.lang.String", "java.lang.String"),
                tls.inputs(), "");
        LinkException e = assertThrows(LinkException.class,
                () -> Configure.checkImpl(wrong, layer, new LinkedHashMap<>(), "parameter 4"));
        assertTrue(e.getMessage().contains("no public method mirage.tls.ServerConfig.fromArguments taking"), e.getMessage());
        Impl<?> misfed = new Impl.Call<>(tls.module(), tls.owner(), tls.method(), tls.type(), tls.dispatch(),
                tls.parameters(), List.of(Devices.random(), Devices.monotonicClock(), Devices.arg(Devices.TLS_CERT),
                        Devices.arg(Devices.TLS_KEY), Devices.arg(Devices.TLS_NAME)), "");
        LinkException fed = assertThrows(LinkException.class,
                () -> Configure.checkImpl(misfed, layer, new LinkedHashMap<>(), "parameter 4"));
        assertTrue(fed.getMessage().contains("parameter 2 of mirage.tls.ServerConfig.fromArguments (java.time.InstantSource)"
                + " is given mirage.time.MonotonicClock.of(platform)"), fed.getMessage());
    }

    @Test
    void selects_takeChoicesOfTheirType_andRefuseAValueTwice() {
        Impl.Select<?> stack = (Impl.Select<?>) Devices.stack("service");
        assertEquals(List.of("direct", "host"), List.copyOf(stack.choices().keySet()));
        assertEquals("direct", stack.defaultChoice());
        assertThrows(IllegalArgumentException.class, () -> Devices.<mirage.net.Stack>select("stack", "direct", Devices.hostStack())
                .or("direct", Devices.hostStack()));
    }

    @Test
    void calls_checkTheirParametersAgainstTheirInputs() {
        assertThrows(IllegalArgumentException.class, () -> new Impl.Call<>("m", "a.B", "c", "a.D", Impl.Dispatch.STATIC_CLASS,
                List.of("a.E"), List.of(), ""));
        assertThrows(IllegalArgumentException.class, () -> new Impl.Call<>("m", "a.B", "c", "a.D", Impl.Dispatch.STATIC_CLASS,
                List.of("double"), List.of(Devices.loop()), ""));
        Impl.Call<?> host = (Impl.Call<?>) Devices.hostStack();
        assertEquals(List.of("mirage.core.spi.EventLoop", "int"), host.parameters(), "a runtime int is passed unboxed");
    }
}
