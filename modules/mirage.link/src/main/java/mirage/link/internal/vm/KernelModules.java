package mirage.link.internal.vm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A kernel's loadable modules, as a directory like {@code /lib/modules/VERSION} holds them:
 * {@code .ko} files anywhere below it (or {@code .ko.gz}, decompressed here), and the
 * {@code modules.builtin} list of what is compiled into the kernel instead.
 *
 * <p>Needs no {@code modules.dep} (Debian's package ships none; {@code depmod} writes it on
 * install): each module's own {@code .modinfo} section says {@code name=} and
 * {@code depends=}, and {@link #loadOrder} puts dependencies first from those.
 *
 * <p>Module names compare with {@code -} and {@code _} alike, as the kernel's do.
 */
public final class KernelModules {
    /**
     * One module file.
     *
     * @param name the module's name ({@code name=} of its {@code .modinfo}, else its file name)
     * @param file where it is
     * @param bytes its ELF bytes, decompressed
     * @param depends the modules it needs loaded first ({@code depends=})
     * @param vermagic the kernel release and options it was built for ({@code vermagic=})
     */
    public record Module(String name, Path file, byte[] bytes, List<String> depends, String vermagic) {
        public Module {
            depends = List.copyOf(depends);
        }
    }

    private final Path dir;
    /** Module name (normalized) to its file. */
    private final Map<String, Path> files;
    /** Normalized names listed in modules.builtin, or null when the directory has no such list. */
    private final Set<String> builtIn;

    private KernelModules(Path dir, Map<String, Path> files, Set<String> builtIn) {
        this.dir = dir;
        this.files = files;
        this.builtIn = builtIn;
    }

    /** Indexes the module files under {@code dir} (recursively) and its {@code modules.builtin}. */
    public static KernelModules scan(Path dir) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                String base = p.getFileName().toString();
                int ko = base.indexOf(".ko");
                if (ko > 0 && isModuleSuffix(base.substring(ko))) {
                    files.putIfAbsent(normalize(base.substring(0, ko)), p);
                }
            }
        }
        Set<String> builtIn = null;
        Path list = dir.resolve("modules.builtin");
        if (Files.isRegularFile(list)) {
            builtIn = new TreeSet<>();
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                String base = line.substring(line.lastIndexOf('/') + 1).strip();
                if (base.endsWith(".ko")) {
                    builtIn.add(normalize(base.substring(0, base.length() - 3)));
                }
            }
        }
        return new KernelModules(dir, files, builtIn);
    }

    private static boolean isModuleSuffix(String s) {
        return s.equals(".ko") || s.equals(".ko.gz") || s.equals(".ko.xz") || s.equals(".ko.zst");
    }

    /** The kernel's spelling of a module name: {@code -} as {@code _}. */
    public static String normalize(String name) {
        return name.replace('-', '_');
    }

    public Path dir() {
        return dir;
    }

    /** Whether a file for module {@code name} is here. */
    public boolean has(String name) {
        return files.containsKey(normalize(name));
    }

    /** Whether {@code modules.builtin} lists {@code name}; empty when there is no such list. */
    public Optional<Boolean> listedBuiltIn(String name) {
        return builtIn == null ? Optional.empty() : Optional.of(builtIn.contains(normalize(name)));
    }

    /**
     * Module {@code name}: its file read (and decompressed) and its {@code .modinfo}.
     *
     * @throws MalformedException if it is not here, is compressed other than with gzip, or is
     *     not a relocatable ELF file with a {@code .modinfo} section
     */
    public Module module(String name) throws IOException, MalformedException {
        Path file = files.get(normalize(name));
        if (file == null) {
            throw new MalformedException("no module " + name + " under " + dir);
        }
        String base = file.getFileName().toString();
        byte[] bytes;
        if (base.endsWith(".ko")) {
            bytes = Files.readAllBytes(file);
        } else if (base.endsWith(".ko.gz")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new MalformedException(file + " does not decompress: " + e.getMessage());
            }
        } else {
            throw new MalformedException(file + " is compressed with " + base.substring(base.indexOf(".ko") + 4)
                    + "; mirage reads .ko and .ko.gz modules: give a directory of uncompressed ones with --kernel-modules");
        }
        Map<String, List<String>> info;
        try {
            info = modinfo(bytes);
        } catch (MalformedException e) {
            throw new MalformedException(file + ": " + e.getMessage());
        }
        String modName = first(info, "name").orElse(normalize(base.substring(0, base.indexOf(".ko"))));
        List<String> depends = new ArrayList<>();
        for (String d : first(info, "depends").orElse("").split(",")) {
            if (!d.isBlank()) {
                depends.add(normalize(d.strip()));
            }
        }
        return new Module(normalize(modName), file, bytes, depends, first(info, "vermagic").orElse(""));
    }

    private static Optional<String> first(Map<String, List<String>> info, String key) {
        List<String> v = info.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
    }

    /**
     * The {@code key=value} strings of a module's {@code .modinfo} section (NUL-separated;
     * empty strings and strings without {@code =} are skipped), values in order per key.
     *
     * @throws MalformedException if {@code ko} is not a relocatable ELF file or has no
     *     {@code .modinfo}
     */
    public static Map<String, List<String>> modinfo(byte[] ko) throws MalformedException {
        Elf elf = Elf.read(ByteBuffer.wrap(ko));
        if (elf.type() != Elf.ET_REL) {
            throw new MalformedException("not a kernel module (ELF type " + elf.type() + ", not relocatable)");
        }
        Elf.Section s = elf.section(".modinfo")
                .orElseThrow(() -> new MalformedException("not a kernel module (no .modinfo section)"));
        ByteBuffer b = elf.contents(s);
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        Map<String, List<String>> info = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i == raw.length || raw[i] == 0) {
                if (i > start) {
                    String kv = new String(raw, start, i - start, StandardCharsets.UTF_8);
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        info.computeIfAbsent(kv.substring(0, eq), k -> new ArrayList<>()).add(kv.substring(eq + 1));
                    }
                }
                start = i + 1;
            }
        }
        return info;
    }

    /**
     * The modules to load for {@code wanted}, each after every module it depends on; a
     * dependency {@code modules.builtin} lists is left out. Deterministic: dependencies are
     * visited in the order {@code depends=} names them, the wanted ones in the order given.
     *
     * @throws MalformedException if a module or a dependency is neither here nor built in, or
     *     the dependencies form a cycle
     */
    public List<Module> loadOrder(Collection<String> wanted) throws IOException, MalformedException {
        Map<String, Module> done = new LinkedHashMap<>();
        for (String w : wanted) {
            visit(normalize(w), null, done, new LinkedHashSet<>());
        }
        return List.copyOf(done.values());
    }

    private void visit(String name, String neededBy, Map<String, Module> done, Set<String> path)
            throws IOException, MalformedException {
        if (done.containsKey(name)) {
            return;
        }
        if (!path.add(name)) {
            throw new MalformedException("the modules under " + dir + " depend on each other in a cycle: "
                    + String.join(" -> ", path) + " -> " + name);
        }
        if (!has(name)) {
            if (neededBy != null && listedBuiltIn(name).orElse(false)) {
                path.remove(name);
                return;
            }
            throw new MalformedException(neededBy == null ? "no module " + name + " under " + dir
                    : "module " + neededBy + " depends on " + name + ", which is neither under " + dir + " nor built in");
        }
        Module m = module(name);
        for (String d : m.depends()) {
            visit(d, name, done, path);
        }
        path.remove(name);
        done.put(name, m);
    }
}
