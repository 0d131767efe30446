/*
 * Build step of mirage.git-store (run by the pom with `java LinkableJar.java`, a single-file
 * program, so the build needs no plugin of its own): gives an automatic module a module
 * descriptor so that jlink accepts it. docs/decisions/0021-linkable-jgit.md
 *
 * Usage: java LinkableJar.java AUTOMATIC_JAR MODULE_PATH_DIR OUTPUT_JAR WORK_DIR
 *
 * 1. jdeps --generate-module-info writes module-info.java (requires from the bytecode, every
 *    package exported) against the named modules in MODULE_PATH_DIR;
 * 2. javac compiles it with the jar patched into the module;
 * 3. OUTPUT_JAR is the input's entries plus module-info.class, minus the jar signature
 *    (META-INF/*.SF, .RSA, .DSA, .EC): a signature that does not cover the descriptor would be
 *    false, and jlink refuses signed modular jars. Entry times are kept; the descriptor gets
 *    the build's fixed time, so the output is the same for the same input.
 */

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

public class LinkableJar {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java LinkableJar.java AUTOMATIC_JAR MODULE_PATH_DIR OUTPUT_JAR WORK_DIR");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path modulePath = Path.of(args[1]);
        Path out = Path.of(args[2]);
        Path work = Path.of(args[3]);
        Set<ModuleReference> found = ModuleFinder.of(in).findAll();
        if (found.size() != 1) {
            fail(in + " is not one module");
        }
        var descriptor = found.iterator().next().descriptor();
        if (!descriptor.isAutomatic()) {
            fail(in + " has a descriptor already (module " + descriptor.name() + ")");
        }
        String name = descriptor.name();
        deleteTree(work);
        Path src = work.resolve("src");
        Path classes = work.resolve("classes");
        tool("jdeps", "--multi-release", "17", "--module-path", modulePath.toString(),
                "--generate-module-info", src.toString(), in.toString());
        Path info;
        try (Stream<Path> s = Files.walk(src)) {
            List<Path> infos = s.filter(p -> p.getFileName().toString().equals("module-info.java")).toList();
            if (infos.size() != 1) {
                fail("jdeps wrote " + infos.size() + " descriptors for " + name);
            }
            info = infos.getFirst();
        }
        tool("javac", "--release", "17", "--module-path", modulePath.toString(),
                "--patch-module", name + "=" + in, "-d", classes.toString(), info.toString());
        byte[] moduleInfo = Files.readAllBytes(classes.resolve("module-info.class"));

        Files.createDirectories(out.toAbsolutePath().getParent());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        FileTime fixed = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(in));
             ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(tmp))) {
            boolean written = false;
            for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                String n = e.getName();
                if (isSignature(n) || n.equals("module-info.class")) {
                    continue;
                }
                if (!written && !n.startsWith("META-INF/")) {
                    put(zout, "module-info.class", fixed, moduleInfo);
                    written = true;
                }
                ZipEntry copy = new ZipEntry(n);
                copy.setLastModifiedTime(e.getLastModifiedTime() == null ? fixed : e.getLastModifiedTime());
                zout.putNextEntry(copy);
                zin.transferTo(zout);
                zout.closeEntry();
            }
            if (!written) {
                put(zout, "module-info.class", fixed, moduleInfo);
            }
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("LinkableJar: " + out + " is module " + name + " with a generated descriptor");
    }

    static boolean isSignature(String n) {
        if (!n.startsWith("META-INF/") || n.indexOf('/', 9) >= 0) {
            return false;
        }
        return n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC");
    }

    static void put(ZipOutputStream z, String name, FileTime time, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setLastModifiedTime(time);
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }

    static void tool(String name, String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true);
        int rc = ToolProvider.findFirst(name).orElseThrow(() -> new IllegalStateException("no " + name + " in this JDK"))
                .run(ps, ps, args);
        if (rc != 0) {
            fail(name + " failed (" + rc + "):\n" + buf);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }

    static void fail(String message) {
        System.err.println("LinkableJar: " + message);
        System.exit(1);
    }
}
