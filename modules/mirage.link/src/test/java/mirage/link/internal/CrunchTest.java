package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvRo;
import mirage.link.Devices;
import mirage.link.Impl;
import mirage.link.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Crunch}: stores packed into the image at link time, served from the generated class. */
class CrunchTest {
    @TempDir
    Path dir;

    static Plan plan(List<Impl<?>> start) {
        return new Plan("t", Target.SOLO5, "t", "t.Main", "()V", start, List.of(), new TreeSet<>(Set.of("t")),
                Manifest.EMPTY, "minimal");
    }

    /** Loads the generated class beside this test's classes and calls the store's method. */
    static KvRo load(byte[] bytes, Impl.Crunched store) throws Throwable {
        ClassLoader loader = new ClassLoader(CrunchTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.equals("t.MirageCrunched")) {
                    return defineClass(name, bytes, 0, bytes.length);
                }
                throw new ClassNotFoundException(name);
            }
        };
        Class<?> c = loader.loadClass("t.MirageCrunched");
        return (KvRo) MethodHandles.publicLookup().findStatic(c, Crunch.methodName(store),
                java.lang.invoke.MethodType.methodType(KvRo.class)).invoke();
    }

    @Test
    void filesArePackedIntoTheClass_largeBinaryEmptyAndNested() throws Throwable {
        Path tls = dir.resolve("tls");
        Files.createDirectories(tls.resolve("chain"));
        byte[] large = new byte[200_000];
        new Random(7).nextBytes(large);
        large[0] = 0;
        Files.write(tls.resolve("large.bin"), large);
        Files.write(tls.resolve("empty"), new byte[0]);
        Files.writeString(tls.resolve("chain/server.pem"), "-----BEGIN CERTIFICATE-----\n");
        for (Path p : List.of(tls.resolve("large.bin"), tls.resolve("empty"), tls.resolve("chain/server.pem"))) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2026-03-04T05:06:07Z")));
        }
        Impl.Crunched certs = (Impl.Crunched) Devices.kvRoCrunched("certs", "tls");
        Impl.Crunched other = (Impl.Crunched) Devices.kvRoCrunched("other", "tls/chain");
        Plan plan = plan(List.of(certs, other));
        assertEquals("t.MirageCrunched", Crunch.className(plan));
        assertEquals("certs from tls/, other from tls/chain/", Crunch.describe(plan));
        byte[] bytes = Crunch.generate(plan, dir).orElseThrow();
        assertArrayEquals(bytes, Crunch.generate(plan, dir).orElseThrow(), "deterministic");
        Files.delete(tls.resolve("large.bin")); // nothing is read at boot

        KvRo kv = load(bytes, certs);
        assertArrayEquals(large, kv.get(Key.parse("large.bin")));
        assertArrayEquals(new byte[0], kv.get(Key.parse("empty")));
        assertEquals("-----BEGIN CERTIFICATE-----\n", new String(kv.get(Key.parse("chain/server.pem"))));
        assertEquals(List.of(new Entry(Key.parse("chain"), Kind.DICTIONARY), new Entry(Key.parse("empty"), Kind.VALUE),
                new Entry(Key.parse("large.bin"), Kind.VALUE)), kv.list(Key.ROOT));
        assertEquals(Instant.parse("2026-03-04T05:06:07Z"), kv.lastModified(Key.parse("empty")));
        assertEquals(List.of(new Entry(Key.parse("server.pem"), Kind.VALUE)), load(bytes, other).list(Key.ROOT));
        assertTrue(Crunch.generate(plan(List.of()), dir).isEmpty(), "no class without packed stores");
    }

    /** Any bytes survive the split into constants (NUL and 0x80-0xFF take two bytes of modified UTF-8). */
    @Test
    void chunksCoverTheBytesAndEachFitsAConstant() {
        qt().withExamples(200).forAll(integers().between(0, 300_000), integers().between(0, 3)).checkAssert((n, kind) -> {
            byte[] bytes = new byte[n];
            Random r = new Random(n);
            for (int i = 0; i < n; i++) {
                bytes[i] = switch (kind) {
                    case 0 -> 0;
                    case 1 -> (byte) 'a';
                    case 2 -> (byte) 0xff;
                    default -> (byte) r.nextInt();
                };
            }
            int next = 0;
            for (int[] c : Crunch.chunks(bytes)) {
                assertEquals(next, c[0]);
                int utf = 0;
                for (int i = c[0]; i < c[0] + c[1]; i++) {
                    utf += bytes[i] == 0 || bytes[i] < 0 ? 2 : 1;
                }
                assertTrue(utf <= Crunch.MAX_CONSTANT, "constant of " + utf + " bytes");
                assertTrue(c[1] > 0 || n == 0);
                next = c[0] + c[1];
            }
            assertEquals(n, next);
        });
    }

    @Test
    void directoriesThatCannotBePackedFailTheLinkWithOneLine() throws Exception {
        LinkException missing = assertThrows(LinkException.class,
                () -> Crunch.check(dir, List.of(Devices.kvRoCrunched("certs", "tls"))));
        assertTrue(missing.getMessage().startsWith("cannot pack store certs from tls/: cannot read " + dir.resolve("tls")),
                missing.getMessage());
        Files.createDirectories(dir.resolve("tls"));
        Files.writeString(dir.resolve("secret"), "x");
        Files.createSymbolicLink(dir.resolve("tls/secret"), dir.resolve("secret"));
        LinkException out = assertThrows(LinkException.class,
                () -> Crunch.check(dir, List.of(Devices.kvRoCrunched("certs", "tls"))));
        assertTrue(out.getMessage().contains("outside the directory"), out.getMessage());
        Files.delete(dir.resolve("tls/secret"));
        Crunch.check(dir, List.of(Devices.kvRoCrunched("certs", "tls")));
        LinkException twice = assertThrows(LinkException.class, () -> Crunch.check(dir,
                List.of(Devices.kvRoCrunched("certs", "tls"), Devices.kvRoCrunched("certs", "tls/."))));
        assertEquals("Config.java: two packed stores are named certs", twice.getMessage());
        for (String bad : List.of("", "/etc", "../x", "a/../../b")) {
            assertThrows(IllegalArgumentException.class, () -> Devices.kvRoCrunched("certs", bad), bad);
        }
    }

    @Test
    void kvDevicesBoundAtBootAreTheProcessTargetsOnly() throws LinkException {
        Manifest kv = new Manifest(List.of(new Manifest.Entry("certs", DeviceKind.KV_RO)));
        Configure.checkKinds(kv, Target.SOLO5);
        for (Target t : List.of(Target.VIRTIO, Target.XEN)) {
            LinkException e = assertThrows(LinkException.class, () -> Configure.checkKinds(kv, t));
            assertTrue(e.getMessage().contains("exist on target solo5 only, not " + t.word()), e.getMessage());
        }
    }
}
