package mirage.link.internal.dce;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.attribute.ModuleAttribute;
import java.lang.classfile.attribute.ModuleMainClassAttribute;
import java.lang.classfile.attribute.ModulePackagesAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.ModuleDesc;
import java.lang.constant.PackageDesc;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.lang.module.ResolvedModule;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import mirage.link.internal.Link;
import mirage.link.internal.LinkException;
import mirage.link.internal.Progress;
import mirage.link.internal.reach.ClassInfo;
import mirage.link.internal.reach.KeepRules;
import mirage.link.internal.reach.Program;
import mirage.link.internal.reach.Reachability;

/**
 * The link step before jlink, which resolves modules before any plugin runs
 * (docs/decisions/0033): makes every module of the module path linkable and, with removal on,
 * trims the module set to what the image reaches.
 * <ul>
 *   <li>An <em>automatic</em> module (a plain jar, such as JGit's; jlink refuses them) gets a
 *       descriptor: an open module of its packages that requires the modules its bytecode
 *       names, uses the services its code loads by constant, and provides what its
 *       {@code META-INF/services} declare.</li>
 *   <li>With {@link Link.Removal#UNREACHABLE}, the descriptor of every library module is
 *       rewritten: a {@code requires} of a module no class it keeps names (nor reads through)
 *       is dropped, and with it the {@code uses}/{@code provides} it can no longer read, and the
 *       {@code provides} of providers its keep rules {@code unprovide} or the analysis removes.
 *       The module set is then resolved again from the plan's roots, the analysis run again on
 *       it, until it no longer shrinks: a module required only for classes nothing reaches leaves
 *       the image (Bouncy Castle's {@code java.naming}, {@code java.sql}; JGit's
 *       {@code java.management}...), with its service providers, as jlink (which binds no
 *       services by default) would leave out any module nothing requires.</li>
 * </ul>
 * A module whose descriptor changes is written as a new jar under the output directory (its
 * entries as the running JDK reads them, a multi-release jar flattened; no signature, which would
 * not cover the new descriptor); the others are linked from where they are. The JDK's own modules
 * are never changed; the unikernel's is left as the boot-class generator wrote it.
 */
public final class LinkableModules {
    private static final FileTime FIXED_TIME = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));
    private static final int MAX_ROUNDS = 8;

    private LinkableModules() {}

    /**
     * What jlink is to be given.
     *
     * @param modulePath the module path (rewritten jars first)
     * @param roots the modules to ask jlink for ({@code --add-modules})
     * @param modules the module set jlink will resolve from them, sorted
     * @param changed what was rewritten and why, one line each, for progress lines
     */
    public record Prepared(List<Path> modulePath, SortedSet<String> roots, SortedSet<String> modules,
            List<String> changed) {
        public Prepared {
            modulePath = List.copyOf(modulePath);
            roots = new TreeSet<>(roots);
            modules = new TreeSet<>(modules);
            changed = List.copyOf(changed);
        }
    }

    /**
     * Prepares the module path.
     *
     * @param modulePath the library jars and the unikernel's linked module
     * @param roots the plan's root modules
     * @param appModule the unikernel's module (never rewritten)
     * @param out where rewritten jars go (emptied first)
     * @param extraRules keep rules beyond the shipped ones (the unikernel's own)
     */
    public static Prepared prepare(List<Path> modulePath, Set<String> roots, String appModule, Link.Removal removal,
            Path out, List<KeepRules> extraRules, Progress progress) throws LinkException {
        ModuleFinder system = ModuleFinder.ofSystem();
        Map<String, ModuleReference> library = new TreeMap<>();
        for (ModuleReference r : findAll(modulePath)) {
            if (system.find(r.descriptor().name()).isEmpty()) {
                library.put(r.descriptor().name(), r);
            }
        }
        Map<String, String> owners = packageOwners(system, library.values());
        Map<String, ModuleDescriptor> descriptors = new TreeMap<>();
        for (ModuleReference r : library.values()) {
            descriptors.put(r.descriptor().name(), r.descriptor());
        }
        // automatic modules the roots need get descriptors; their requires may need more of them
        List<String> changed = new ArrayList<>();
        for (boolean more = true; more; ) {
            more = false;
            for (String m : resolve(system, library, descriptors, roots)) {
                ModuleDescriptor d = descriptors.get(m);
                if (d != null && d.isAutomatic()) {
                    ModuleDescriptor generated = generate(library.get(m), owners);
                    descriptors.put(m, generated);
                    changed.add(m + ": automatic module given a descriptor (requires " + names(generated.requires()) + ")");
                    more = true;
                }
            }
        }

        SortedSet<String> allRoots = new TreeSet<>(roots);
        SortedSet<String> set = resolve(system, library, descriptors, allRoots);
        if (removal == Link.Removal.UNREACHABLE) {
            Map<String, ModuleDescriptor> original = new TreeMap<>(descriptors);
            Map<String, List<ClassInfo>> parsed = new HashMap<>();
            for (int round = 1; ; round++) {
                if (round > MAX_ROUNDS) {
                    throw new LinkException("the module set did not settle after " + MAX_ROUNDS + " rounds of trimming");
                }
                progress.detail("analysing reachability over " + set.size() + " modules");
                Trim trim = trim(set, system, library, descriptors, original, appModule, parsed, extraRules);
                SortedSet<String> next = resolve(system, library, trim.descriptors(), allRoots);
                // the same set analysed again keeps the same classes: the descriptors only lost
                // what nothing kept used (uses and provides of services nothing loads)
                boolean same = next.equals(set);
                descriptors = trim.descriptors();
                set = next;
                if (same) {
                    break;
                }
            }
            for (String m : set) {
                ModuleDescriptor before = original.get(m);
                ModuleDescriptor after = descriptors.get(m);
                if (before != null && !before.equals(after)) {
                    changed.add(m + ": " + difference(before, after));
                }
            }
        }
        return new Prepared(write(set, library, descriptors, modulePath, out), allRoots, set, changed);
    }

    // ---------------------------------------------------------------- trimming

    private record Trim(Map<String, ModuleDescriptor> descriptors, Set<String> usedModules) {}

    /** One round: the analysis over {@code set}, and each library descriptor rewritten from it. */
    private static Trim trim(Set<String> set, ModuleFinder system, Map<String, ModuleReference> library,
            Map<String, ModuleDescriptor> descriptors, Map<String, ModuleDescriptor> original, String appModule,
            Map<String, List<ClassInfo>> parsed, List<KeepRules> extraRules) throws LinkException {
        List<ModuleReference> refs = new ArrayList<>();
        for (String m : set) {
            ModuleReference lib = library.get(m);
            refs.add(lib != null ? withDescriptor(lib, descriptors.get(m)) : system.find(m).orElseThrow());
        }
        Program program;
        try {
            program = Programs.fromModules(refs, Path.of(System.getProperty("java.home")), parsed);
        } catch (IOException | IllegalArgumentException e) {
            throw new LinkException("cannot read the modules to link: " + e.getMessage(), e);
        }
        List<KeepRules> rules = new ArrayList<>(LinkRules.of(set));
        rules.addAll(extraRules);
        Reachability.Result result;
        try {
            result = Reachability.analyze(program, ReachabilityPlugin.UNVERIFIED, rules, List.of());
        } catch (IllegalArgumentException e) {
            throw new LinkException("cannot analyse the modules to link: " + e.getMessage(), e);
        }

        Map<String, String> owners = new HashMap<>();
        for (ModuleReference r : refs) {
            for (String p : r.descriptor().packages()) {
                owners.put(p, r.descriptor().name());
            }
        }
        Map<String, Set<String>> uses = new HashMap<>();
        Set<String> usedModules = new TreeSet<>();
        for (String c : result.used()) {
            ClassInfo info = program.classes().get(c);
            if (info != null) {
                usedModules.add(info.module());
            }
        }
        for (String c : result.linked()) {
            ClassInfo info = program.classes().get(c);
            if (info == null) {
                continue;
            }
            Set<String> u = uses.computeIfAbsent(info.module(), k -> new HashSet<>());
            for (String named : info.namedClasses()) {
                String owner = owners.get(packageOf(named));
                if (owner != null) {
                    u.add(owner);
                }
            }
        }
        Set<String> unprovided = new HashSet<>();
        for (KeepRules r : rules) {
            for (KeepRules.Rule rule : r.rules()) {
                if (rule instanceof KeepRules.Rule.Unprovide u) {
                    unprovided.add(r.module() + " " + u.service() + " " + u.provider());
                }
            }
        }
        Map<String, ModuleDescriptor> next = new TreeMap<>(descriptors);
        for (String m : set) {
            if (library.containsKey(m) && !m.equals(appModule)) {
                next.put(m, rewrite(original.get(m), uses.getOrDefault(m, Set.of()), usedModules, original, owners,
                        unprovided, result));
            }
        }
        return new Trim(next, usedModules);
    }

    /** {@code d} with what its module's kept classes do not need dropped. */
    private static ModuleDescriptor rewrite(ModuleDescriptor d, Set<String> uses, Set<String> usedModules,
            Map<String, ModuleDescriptor> descriptors, Map<String, String> owners, Set<String> unprovided,
            Reachability.Result result) {
        ModuleDescriptor.Builder b = builder(d);
        Set<String> reads = new HashSet<>(Set.of(d.name(), "java.base"));
        List<ModuleDescriptor.Requires> kept = new ArrayList<>();
        List<ModuleDescriptor.Requires> others = new ArrayList<>();
        for (ModuleDescriptor.Requires r : new TreeSet<>(d.requires())) {
            Set<ModuleDescriptor.Requires.Modifier> mods = r.modifiers();
            boolean keep = mods.contains(ModuleDescriptor.Requires.Modifier.MANDATED)
                    || mods.contains(ModuleDescriptor.Requires.Modifier.STATIC)
                    || uses.contains(r.name())
                    || (mods.contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE) && usedModules.contains(r.name()));
            (keep ? kept : others).add(r);
        }
        for (ModuleDescriptor.Requires r : kept) {
            reads.addAll(implied(r.name(), descriptors));
        }
        // a module used but read only through another's "requires transitive" keeps that requires
        for (ModuleDescriptor.Requires r : others) {
            Set<String> implied = implied(r.name(), descriptors);
            if (uses.stream().anyMatch(u -> !reads.contains(u) && implied.contains(u))) {
                kept.add(r);
                reads.addAll(implied);
            }
        }
        kept.forEach(b::requires);
        for (String s : d.uses()) {
            if (reads.contains(owners.get(packageOf(s.replace('.', '/'))))) {
                b.uses(s);
            }
        }
        for (ModuleDescriptor.Provides p : d.provides()) {
            if (!reads.contains(owners.get(packageOf(p.service().replace('.', '/'))))) {
                continue;
            }
            List<String> providers = new ArrayList<>();
            for (String provider : p.providers()) {
                if (!unprovided.contains(d.name() + " " + p.service() + " " + provider)
                        && result.keeps(provider.replace('.', '/'))) {
                    providers.add(provider);
                }
            }
            if (!providers.isEmpty()) {
                b.provides(p.service(), providers);
            }
        }
        return b.build();
    }

    /** {@code module} and the modules its {@code requires transitive} make readable, recursively. */
    private static Set<String> implied(String module, Map<String, ModuleDescriptor> descriptors) {
        Set<String> out = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(module));
        while (!todo.isEmpty()) {
            String m = todo.removeLast();
            if (!out.add(m)) {
                continue;
            }
            ModuleDescriptor d = descriptors.get(m);
            if (d == null) {
                d = ModuleFinder.ofSystem().find(m).map(ModuleReference::descriptor).orElse(null);
            }
            if (d != null) {
                for (ModuleDescriptor.Requires r : d.requires()) {
                    if (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)) {
                        todo.add(r.name());
                    }
                }
            }
        }
        return out;
    }

    /** A builder with {@code d}'s name, modifiers, exports, opens, packages, version and main class. */
    private static ModuleDescriptor.Builder builder(ModuleDescriptor d) {
        ModuleDescriptor.Builder b = ModuleDescriptor.newModule(d.name(), d.modifiers());
        d.exports().forEach(b::exports);
        d.opens().forEach(b::opens);
        b.packages(d.packages());
        d.rawVersion().ifPresent(b::version);
        d.mainClass().ifPresent(b::mainClass);
        return b;
    }

    private static String difference(ModuleDescriptor before, ModuleDescriptor after) {
        List<String> parts = new ArrayList<>();
        Set<String> dropped = new TreeSet<>(names(before.requires()));
        dropped.removeAll(names(after.requires()));
        if (!dropped.isEmpty()) {
            parts.add("requires " + dropped + " dropped");
        }
        Set<String> uses = new TreeSet<>(before.uses());
        uses.removeAll(after.uses());
        if (!uses.isEmpty()) {
            parts.add("uses " + uses + " dropped");
        }
        Set<String> provided = new TreeSet<>();
        before.provides().forEach(p -> provided.addAll(p.providers()));
        after.provides().forEach(p -> provided.removeAll(p.providers()));
        if (!provided.isEmpty()) {
            parts.add("provides " + provided + " dropped");
        }
        return parts.isEmpty() ? "descriptor rewritten" : String.join("; ", parts);
    }

    private static SortedSet<String> names(Collection<ModuleDescriptor.Requires> requires) {
        SortedSet<String> out = new TreeSet<>();
        requires.forEach(r -> out.add(r.name()));
        out.remove("java.base");
        return out;
    }

    // ---------------------------------------------------------------- automatic modules

    /**
     * A descriptor for an automatic module: open, every package exported, {@code requires
     * transitive} of each module owning a package its classes name, {@code uses} of the services
     * its code loads by constant, and the providers its {@code META-INF/services} list.
     */
    static ModuleDescriptor generate(ModuleReference ref, Map<String, String> owners) throws LinkException {
        ModuleDescriptor d = ref.descriptor();
        Set<String> requires = new TreeSet<>();
        Set<String> uses = new TreeSet<>();
        try (ModuleReader reader = ref.open(); Stream<String> names = reader.list()) {
            for (String n : (Iterable<String>) names.sorted()::iterator) {
                if (!Programs.isClass(n)) {
                    continue;
                }
                ClassInfo c = ClassInfo.of(d.name(), n.substring(0, n.length() - ".class".length()),
                        read(reader, n));
                for (String named : c.namedClasses()) {
                    String owner = owners.get(packageOf(named));
                    if (owner != null && !owner.equals(d.name()) && !owner.equals("java.base")) {
                        requires.add(owner);
                    }
                }
                uses.addAll(c.loadedServices());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new LinkException("cannot read automatic module " + d.name() + " at "
                    + ref.location().map(Object::toString).orElse("?") + ": " + e.getMessage(), e);
        }
        ModuleDescriptor.Builder b = ModuleDescriptor.newOpenModule(d.name());
        for (String r : requires) {
            b.requires(Set.of(ModuleDescriptor.Requires.Modifier.TRANSITIVE), r);
        }
        for (String p : d.packages()) {
            b.exports(p);
        }
        b.packages(d.packages());
        for (String s : uses) {
            String owner = owners.get(packageOf(s.replace('.', '/')));
            if (owner != null && (owner.equals(d.name()) || owner.equals("java.base") || requires.contains(owner))) {
                b.uses(s);
            }
        }
        d.provides().forEach(b::provides);
        d.rawVersion().ifPresent(b::version);
        d.mainClass().ifPresent(b::mainClass);
        return b.build();
    }

    // ---------------------------------------------------------------- resolution and output

    private static SortedSet<String> resolve(ModuleFinder system, Map<String, ModuleReference> library,
            Map<String, ModuleDescriptor> descriptors, Set<String> roots) throws LinkException {
        Map<String, ModuleReference> refs = new HashMap<>();
        library.forEach((name, r) -> refs.put(name, withDescriptor(r, descriptors.get(name))));
        ModuleFinder libs = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return Optional.ofNullable(refs.get(name));
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.copyOf(refs.values());
            }
        };
        try {
            Configuration cf = Configuration.empty().resolve(ModuleFinder.compose(system, libs), ModuleFinder.of(), roots);
            SortedSet<String> out = new TreeSet<>();
            for (ResolvedModule m : cf.modules()) {
                out.add(m.name());
            }
            return out;
        } catch (FindException | ResolutionException e) {
            throw new LinkException("cannot resolve the modules to link: " + e.getMessage(), e);
        }
    }

    /** Writes the modules whose descriptor changed; returns the module path for jlink. */
    private static List<Path> write(Set<String> set, Map<String, ModuleReference> library,
            Map<String, ModuleDescriptor> descriptors, List<Path> modulePath, Path out) throws LinkException {
        List<Path> path = new ArrayList<>();
        try {
            if (Files.isDirectory(out)) {
                try (Stream<Path> old = Files.list(out)) {
                    for (Path p : (Iterable<Path>) old::iterator) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(out);
            for (String m : set) {
                ModuleReference r = library.get(m);
                if (r != null && !descriptors.get(m).equals(r.descriptor())) {
                    Path jar = out.resolve(m + ".jar");
                    writeJar(r, descriptors.get(m), jar);
                    path.add(jar);
                }
            }
        } catch (IOException e) {
            throw new LinkException("cannot write the linked modules under " + out + ": " + e.getMessage(), e);
        }
        path.addAll(modulePath);
        return path;
    }

    /**
     * The module's entries as the JDK reads them, its descriptor replaced, without signature
     * files; entries sorted, times fixed: the same input gives the same bytes.
     */
    private static void writeJar(ModuleReference ref, ModuleDescriptor descriptor, Path jar) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        Manifest manifest = new Manifest();
        try (ModuleReader reader = ref.open(); Stream<String> names = reader.list()) {
            for (String n : (Iterable<String>) names::iterator) {
                if (n.endsWith("/") || n.equals("module-info.class") || isSignature(n)) {
                    continue;
                }
                if (n.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                    Manifest original = new Manifest(new java.io.ByteArrayInputStream(read(reader, n)));
                    manifest.getMainAttributes().putAll(original.getMainAttributes());
                    manifest.getMainAttributes().remove(new Attributes.Name("Multi-Release"));
                    continue;
                }
                entries.put(n, read(reader, n));
            }
        }
        manifest.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
        entries.put("module-info.class", moduleInfo(descriptor));
        java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
        manifest.write(m);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
            put(zip, "META-INF/MANIFEST.MF", m.toByteArray());
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                put(zip, e.getKey(), e.getValue());
            }
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setLastModifiedTime(FIXED_TIME);
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    private static boolean isSignature(String name) {
        if (!name.startsWith("META-INF/") || name.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        return upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC")
                || upper.startsWith("META-INF/SIG-");
    }

    /** A {@code module-info.class} for {@code d}, with its package list and main class. */
    static byte[] moduleInfo(ModuleDescriptor d) {
        ModuleAttribute attribute = ModuleAttribute.of(ModuleDesc.of(d.name()), mb -> {
            int flags = 0;
            for (ModuleDescriptor.Modifier m : d.modifiers()) {
                flags |= switch (m) {
                    case OPEN -> ClassFile.ACC_OPEN;
                    case SYNTHETIC -> ClassFile.ACC_SYNTHETIC;
                    case MANDATED -> ClassFile.ACC_MANDATED;
                    case AUTOMATIC -> 0;
                };
            }
            mb.moduleFlags(flags);
            d.rawVersion().ifPresent(mb::moduleVersion);
            for (ModuleDescriptor.Requires r : new TreeSet<>(d.requires())) {
                int f = 0;
                for (ModuleDescriptor.Requires.Modifier m : r.modifiers()) {
                    f |= switch (m) {
                        case TRANSITIVE -> ClassFile.ACC_TRANSITIVE;
                        case STATIC -> ClassFile.ACC_STATIC_PHASE;
                        case SYNTHETIC -> ClassFile.ACC_SYNTHETIC;
                        case MANDATED -> ClassFile.ACC_MANDATED;
                    };
                }
                mb.requires(ModuleDesc.of(r.name()), f, r.rawCompiledVersion().orElse(null));
            }
            for (ModuleDescriptor.Exports e : new TreeSet<>(d.exports())) {
                mb.exports(PackageDesc.of(e.source()), 0,
                        e.targets().stream().sorted().map(ModuleDesc::of).toArray(ModuleDesc[]::new));
            }
            for (ModuleDescriptor.Opens o : new TreeSet<>(d.opens())) {
                mb.opens(PackageDesc.of(o.source()), 0,
                        o.targets().stream().sorted().map(ModuleDesc::of).toArray(ModuleDesc[]::new));
            }
            for (String s : new TreeSet<>(d.uses())) {
                mb.uses(ClassDesc.of(s));
            }
            for (ModuleDescriptor.Provides p : new TreeSet<>(d.provides())) {
                mb.provides(ClassDesc.of(p.service()), p.providers().stream().map(ClassDesc::of).toArray(ClassDesc[]::new));
            }
        });
        return ClassFile.of().buildModule(attribute, cb -> {
            cb.with(ModulePackagesAttribute.ofNames(new TreeSet<>(d.packages()).stream().map(PackageDesc::of).toList()));
            d.mainClass().ifPresent(mc -> cb.with(ModuleMainClassAttribute.of(ClassDesc.of(mc))));
        });
    }

    // ---------------------------------------------------------------- helpers

    private static Set<ModuleReference> findAll(List<Path> modulePath) throws LinkException {
        try {
            Map<String, ModuleReference> first = new LinkedHashMap<>();
            for (Path p : modulePath) {
                for (ModuleReference r : ModuleFinder.of(p).findAll()) {
                    first.putIfAbsent(r.descriptor().name(), r);
                }
            }
            return new java.util.LinkedHashSet<>(first.values());
        } catch (FindException e) {
            throw new LinkException("cannot read the module path: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> packageOwners(ModuleFinder system, Collection<ModuleReference> library) {
        Map<String, String> owners = new HashMap<>();
        for (ModuleReference r : system.findAll()) {
            for (String p : r.descriptor().packages()) {
                owners.put(p, r.descriptor().name());
            }
        }
        for (ModuleReference r : library) {
            for (String p : r.descriptor().packages()) {
                owners.putIfAbsent(p, r.descriptor().name());
            }
        }
        return owners;
    }

    /** A reference to the same content with another descriptor. */
    private static ModuleReference withDescriptor(ModuleReference r, ModuleDescriptor d) {
        if (d == null || d.equals(r.descriptor())) {
            return r;
        }
        return new ModuleReference(d, r.location().orElse(null)) {
            @Override
            public ModuleReader open() throws IOException {
                return r.open();
            }
        };
    }

    static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    private static byte[] read(ModuleReader reader, String name) throws IOException {
        ByteBuffer b = reader.read(name).orElseThrow(() -> new IOException("no entry " + name));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        reader.release(b);
        return out;
    }
}
