package mirage.link.internal.dce;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import jdk.tools.jlink.plugin.ResourcePool;
import jdk.tools.jlink.plugin.ResourcePoolEntry;
import jdk.tools.jlink.plugin.ResourcePoolModule;
import mirage.link.internal.reach.ClassInfo;
import mirage.link.internal.reach.NativeStrings;
import mirage.link.internal.reach.Program;

/** Builds the analysis's {@link Program} from a jlink resource pool or from modules on disk. */
final class Programs {
    /** Scans of native libraries by size and checksum: the same JDK's are scanned once a process. */
    private static final Map<String, NativeStrings> SCANS = new ConcurrentHashMap<>();

    private Programs() {}

    /** The classes, descriptors and native libraries of the modules in {@code pool}. */
    static Program fromPool(ResourcePool pool) {
        List<ClassInfo> classes = new ArrayList<>();
        List<Program.ModuleFacts> facts = new ArrayList<>();
        Map<String, byte[]> libraries = new TreeMap<>();
        List<ResourcePoolModule> modules = pool.moduleView().modules()
                .sorted(Comparator.comparing(ResourcePoolModule::name)).toList();
        for (ResourcePoolModule m : modules) {
            facts.add(facts(m.descriptor()));
            String prefix = "/" + m.name() + "/";
            m.entries().forEach(e -> {
                String rest = e.path().substring(prefix.length());
                if (e.type() == ResourcePoolEntry.Type.CLASS_OR_RESOURCE && isClass(rest)) {
                    classes.add(ClassInfo.of(m.name(), rest.substring(0, rest.length() - ".class".length()),
                            e.contentBytes()));
                } else if (e.type() == ResourcePoolEntry.Type.NATIVE_LIB) {
                    String lib = libraryName(rest);
                    if (lib != null) {
                        libraries.put(lib, e.contentBytes());
                    }
                }
            });
        }
        return program(classes, facts, libraries);
    }

    /**
     * The classes and descriptors of {@code modules}, and the native libraries of the JDK at
     * {@code javaHome} (those of modules outside the set are loaded by nothing and change nothing).
     */
    static Program fromModules(Collection<ModuleReference> modules, Path javaHome) throws IOException {
        return fromModules(modules, javaHome, new HashMap<>());
    }

    /**
     * As {@link #fromModules(Collection, Path)}, taking the classes of a module from
     * {@code parsed} when it holds them (keyed by module name; the same module content must give
     * the same classes) and adding those it reads.
     */
    static Program fromModules(Collection<ModuleReference> modules, Path javaHome, Map<String, List<ClassInfo>> parsed)
            throws IOException {
        List<ClassInfo> classes = new ArrayList<>();
        List<Program.ModuleFacts> facts = new ArrayList<>();
        for (ModuleReference ref : modules.stream()
                .sorted(Comparator.comparing((ModuleReference r) -> r.descriptor().name())).toList()) {
            ModuleDescriptor d = ref.descriptor();
            facts.add(facts(d));
            List<ClassInfo> known = parsed.get(d.name());
            if (known != null) {
                classes.addAll(known);
                continue;
            }
            List<ClassInfo> read = new ArrayList<>();
            try (ModuleReader reader = ref.open(); Stream<String> names = reader.list()) {
                for (String n : (Iterable<String>) names.sorted()::iterator) {
                    if (isClass(n)) {
                        read.add(ClassInfo.of(d.name(), n.substring(0, n.length() - ".class".length()),
                                bytes(reader.read(n).orElseThrow(), reader)));
                    }
                }
            }
            parsed.put(d.name(), read);
            classes.addAll(read);
        }
        Map<String, byte[]> libraries = new TreeMap<>();
        Path lib = javaHome.resolve("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> walk = Files.walk(lib)) {
                for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                    String name = libraryName(p.getFileName().toString());
                    if (name != null && Files.isRegularFile(p)) {
                        libraries.put(name, Files.readAllBytes(p));
                    }
                }
            }
        }
        return program(classes, facts, libraries);
    }

    private static Program program(List<ClassInfo> classes, List<Program.ModuleFacts> facts,
            Map<String, byte[]> libraries) {
        Set<String> known = new HashSet<>();
        for (ClassInfo c : classes) {
            known.add(c.name());
        }
        List<Program.NativeLibrary> natives = new ArrayList<>();
        libraries.forEach((name, bytes) -> natives.add(scan(bytes).library(name, known)));
        return Program.of(classes, facts, natives);
    }

    private static NativeStrings scan(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return SCANS.computeIfAbsent(bytes.length + ":" + crc.getValue(), k -> NativeStrings.scan(bytes));
    }

    static Program.ModuleFacts facts(ModuleDescriptor d) {
        Map<String, List<String>> provides = new TreeMap<>();
        for (ModuleDescriptor.Provides p : d.provides()) {
            provides.put(p.service(), p.providers());
        }
        return new Program.ModuleFacts(d.name(), d.uses(), provides, d.mainClass());
    }

    /** A class file of the module's own (not its descriptor, not a versioned or META-INF entry). */
    static boolean isClass(String path) {
        return path.endsWith(".class") && !path.equals("module-info.class") && !path.startsWith("META-INF/")
                && path.indexOf('-') < 0;
    }

    /** {@code net} for {@code lib/libnet.so} (or {@code libnet.so}); null for what is not a shared library. */
    static String libraryName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        if (file.startsWith("lib") && file.endsWith(".so") && file.length() > 6) {
            return file.substring(3, file.length() - 3);
        }
        return null;
    }

    private static byte[] bytes(ByteBuffer buffer, ModuleReader reader) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        reader.release(buffer);
        return b;
    }
}
