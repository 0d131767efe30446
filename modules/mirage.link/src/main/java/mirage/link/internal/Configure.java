package mirage.link.internal;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import mirage.core.RuntimeArg;
import mirage.core.Unikernel;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.link.Description;
import mirage.link.Impl;
import mirage.link.Job;
import mirage.link.Target;

/**
 * {@code mirage configure}: compiles the unikernel and its description, runs the description,
 * checks it against the unikernel's {@code start} method and the target, and computes the
 * module set and device manifest.
 */
public final class Configure {
    /** Where a unikernel's sources are, under its directory. */
    static final String SOURCES = "src/main/java";
    /** The description's file, in the unikernel's directory. */
    static final String DESCRIPTION = "Config.java";

    private Configure() {}

    /**
     * Configures the unikernel in {@code dir}; compiled classes go to {@code layout.classes()}.
     *
     * @param libraries the module path: jars or exploded modules of mirage and its dependencies
     */
    public static Plan run(Layout layout, List<Path> libraries, Target target, String profile, Progress progress)
            throws LinkException {
        return run(layout, libraries, target, java.util.Map.of(), profile, progress);
    }

    /**
     * As {@link #run(Layout, List, Target, String, Progress)}, with configure keys: every
     * {@link Impl.Select} of the job takes the choice {@code keys} gives, or its default.
     *
     * @throws LinkException also for a key the description does not declare, or a value that
     *     is not one of the key's choices
     */
    public static Plan run(Layout layout, List<Path> libraries, Target target, java.util.Map<String, String> keys,
            String profile, Progress progress)
            throws LinkException {
        return configure(layout, libraries, target, keys, profile, progress).plan();
    }

    /**
     * A configure key the description declares, and the value this configuration took.
     *
     * @param name the key, without {@code --}
     * @param value the value taken: given, remembered, or the default
     * @param defaultChoice the value when none is given
     * @param choices every value, in the description's order
     */
    public record Key(String name, String value, String defaultChoice, List<String> choices) {
        public Key {
            choices = List.copyOf(choices);
        }
    }

    /**
     * What configure resolved, with the configure keys the description declares.
     *
     * @param plan the plan
     * @param keys the declared keys, sorted by name
     */
    public record Configured(Plan plan, List<Key> keys) {
        public Configured {
            keys = List.copyOf(keys);
        }
    }

    /** As {@link #run(Layout, List, Target, java.util.Map, String, Progress)}, with the declared keys. */
    public static Configured configure(Layout layout, List<Path> libraries, Target target, java.util.Map<String, String> keys,
            String profile, Progress progress)
            throws LinkException {
        Path sources = layout.dir().resolve(SOURCES);
        Path description = layout.dir().resolve(DESCRIPTION);
        if (!Files.isDirectory(sources)) {
            throw new LinkException(layout.dir() + " is not a unikernel: it has no " + SOURCES + "/");
        }
        boolean beside = Files.isRegularFile(description);
        String modulePath = pathList(libraries);

        progress.step("compiling the unikernel");
        Javac.compile("the unikernel", Javac.sourcesUnder(sources), layout.classes(),
                List.of("--module-path", modulePath));
        ModuleDescriptor app = appDescriptor(layout.classes());

        List<Path> withApp = new ArrayList<>(libraries);
        withApp.add(layout.classes());
        ModuleLayer layer;
        Job described;
        String source;
        List<String> inModule = descriptionClasses(layout);
        if (beside && !inModule.isEmpty()) {
            throw new LinkException("the unikernel has two descriptions, " + DESCRIPTION + " and " + String.join(", ", inModule)
                    + ": keep one");
        }
        if (beside) {
            source = DESCRIPTION;
            progress.step("running the description " + DESCRIPTION);
            Javac.compile(DESCRIPTION, List.of(description), layout.config(),
                    List.of("--module-path", pathList(withApp), "--add-modules", app.name() + ",mirage.link"));
            layer = appLayer(withApp, app.name(), null);
            described = describe(layout.config(), layer, app.name());
        } else {
            source = descriptionClass(layout, inModule);
            progress.step("running the description " + source);
            layer = appLayer(withApp, app.name(), source);
            described = describeInModule(layer, app.name(), source);
        }
        try {
            return checked(layout, withApp, target, keys, profile, app, layer, described);
        } catch (LinkException e) {
            if (beside || !e.getMessage().startsWith(DESCRIPTION + ":")) {
                throw e;
            }
            // the checks name the description's source as Config.java: name the class instead
            throw new LinkException(source + e.getMessage().substring(DESCRIPTION.length()), e);
        }
    }

    /** The checks of a description's job against the unikernel and the target. */
    private static Configured checked(Layout layout, List<Path> withApp, Target target, java.util.Map<String, String> keys,
            String profile, ModuleDescriptor app, ModuleLayer layer, Job described) throws LinkException {
        java.util.Map<String, Impl.Select<?>> declared = new java.util.TreeMap<>();
        Job job = new Job(described.name(), described.main(), select(described.start(), keys, declared));
        List<Key> declaredKeys = new ArrayList<>();
        for (Impl.Select<?> sel : declared.values()) {
            declaredKeys.add(new Key(sel.key(), keys.getOrDefault(sel.key(), sel.defaultChoice()), sel.defaultChoice(),
                    List.copyOf(sel.choices().keySet())));
        }

        Class<? extends Unikernel> main = job.main().orElseThrow(() ->
                new LinkException(DESCRIPTION + ": the job names no main class: build it with Job.named(NAME).start(Main::start)"));
        if (!app.name().equals(main.getModule().getName())) {
            throw new LinkException(DESCRIPTION + ": main class " + main.getName() + " is not in the unikernel's module "
                    + app.name());
        }
        Method start = checkMain(main, layout);
        List<RuntimeArg<?>> args = checkStart(start, job.start(), layer);

        Manifest manifest = manifest(job.start());
        checkKinds(manifest, target);
        Crunch.check(layout.dir(), job.start());
        Plan draft = new Plan(job.name(), target, app.name(), main.getName(), descriptor(start), job.start(), args,
                new TreeSet<>(), manifest, profile);
        SortedSet<String> modules = moduleSet(withApp, draft.roots(), target);
        return new Configured(new Plan(draft.name(), target, app.name(), main.getName(), draft.startDescriptor(), job.start(),
                args, modules, manifest, profile), declaredKeys);
    }

    /**
     * {@code start} with every {@link Impl.Select} replaced by the choice {@code keys} names (or
     * its default); fails on keys no select declares and on values a select does not offer.
     */
    static List<Impl<?>> select(List<Impl<?>> start, java.util.Map<String, String> keys) throws LinkException {
        return select(start, keys, new java.util.TreeMap<>());
    }

    /** As {@link #select(List, java.util.Map)}; every select met is put in {@code declared} by key. */
    private static List<Impl<?>> select(List<Impl<?>> start, java.util.Map<String, String> keys,
            java.util.Map<String, Impl.Select<?>> declared) throws LinkException {
        List<Impl<?>> out = new ArrayList<>();
        for (Impl<?> i : start) {
            out.add(select(i, keys, declared));
        }
        for (String k : keys.keySet()) {
            if (!declared.containsKey(k)) {
                StringBuilder known = new StringBuilder();
                declared.values().forEach(d -> known.append(" --").append(d.key()).append('=')
                        .append(String.join("|", d.choices().keySet())));
                throw new LinkException("unknown configure key --" + k + ": "
                        + (declared.isEmpty() ? "this unikernel declares none" : "this unikernel declares" + known));
            }
        }
        return out;
    }

    private static Impl<?> select(Impl<?> impl, java.util.Map<String, String> keys, java.util.Map<String, Impl.Select<?>> declared)
            throws LinkException {
        return switch (impl) {
            case Impl.Select<?> sel -> {
                Impl.Select<?> seen = declared.putIfAbsent(sel.key(), sel);
                if (seen != null && !seen.choices().keySet().equals(sel.choices().keySet())) {
                    throw new LinkException(DESCRIPTION + ": configure key --" + sel.key() + " is declared twice with different choices");
                }
                String value = keys.getOrDefault(sel.key(), sel.defaultChoice());
                Impl<?> chosen = sel.choices().get(value);
                if (chosen == null) {
                    throw new LinkException("configure key --" + sel.key() + "=" + value + ": not one of "
                            + String.join(", ", sel.choices().keySet()));
                }
                yield select(chosen, keys, declared);
            }
            case Impl.Call<?> c -> {
                List<Impl<?>> inputs = new ArrayList<>();
                for (Impl<?> i : c.inputs()) {
                    inputs.add(select(i, keys, declared));
                }
                yield new Impl.Call<>(c.module(), c.owner(), c.method(), c.type(), c.dispatch(), c.parameters(), inputs,
                        c.instance());
            }
            default -> impl;
        };
    }

    /** Refuses devices the target cannot bind: KV_RO devices are the process target's only. */
    static void checkKinds(Manifest manifest, Target target) throws LinkException {
        if (target != Target.SOLO5 && manifest.devices().stream().anyMatch(e -> e.kind() == DeviceKind.KV_RO)) {
            throw new LinkException(DESCRIPTION + ": KV_RO devices bound at boot (Devices.kvRo) exist on target solo5 only, not "
                    + target.word() + ": pack the files into the image with Devices.kvRoCrunched");
        }
    }

    /** The devices the job uses, in order of first use; one name, one kind. */
    static Manifest manifest(List<Impl<?>> start) throws LinkException {
        Map<String, Manifest.Entry> devices = new LinkedHashMap<>();
        collectDevices(start, devices);
        if (devices.size() > Manifest.MAX_DEVICES) {
            throw new LinkException(DESCRIPTION + ": " + devices.size() + " devices; a manifest holds at most " + Manifest.MAX_DEVICES);
        }
        return devices.isEmpty() ? Manifest.EMPTY : new Manifest(List.copyOf(devices.values()));
    }

    private static void collectDevices(List<Impl<?>> impls, Map<String, Manifest.Entry> into) throws LinkException {
        for (Impl<?> impl : impls) {
            if (impl instanceof Impl.Device<?> d) {
                Manifest.Entry seen = into.putIfAbsent(d.name(), new Manifest.Entry(d.name(), d.kind()));
                if (seen != null && seen.kind() != d.kind()) {
                    throw new LinkException(DESCRIPTION + ": device " + d.name() + " is used as " + seen.kind()
                            + " and as " + d.kind());
                }
            } else if (impl instanceof Impl.Call<?> c) {
                collectDevices(c.inputs(), into);
            }
        }
    }

    static String pathList(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static ModuleDescriptor appDescriptor(Path classes) throws LinkException {
        Path info = classes.resolve("module-info.class");
        if (!Files.isRegularFile(info)) {
            throw new LinkException("the unikernel has no module-info.java: a unikernel is a named module");
        }
        try (var in = Files.newInputStream(info)) {
            return ModuleDescriptor.read(in);
        } catch (IOException e) {
            throw new LinkException("cannot read " + info + ": " + e.getMessage(), e);
        }
    }

    /**
     * A layer with the unikernel's module and what it needs beyond the tool's own modules; the
     * package of {@code description} (a class of the unikernel's, or null) opened to the tool.
     */
    private static ModuleLayer appLayer(List<Path> modulePath, String app, String description) throws LinkException {
        ModuleLayer boot = ModuleLayer.boot();
        try {
            Configuration cf = Configuration.resolve(ModuleFinder.of(), List.of(boot.configuration()),
                    ModuleFinder.of(modulePath.toArray(Path[]::new)), Set.of(app));
            ModuleLayer.Controller c = ModuleLayer.defineModulesWithOneLoader(cf, List.of(boot),
                    ClassLoader.getSystemClassLoader());
            if (description != null) {
                Module m = c.layer().findModule(app).orElseThrow();
                // opened, not only exported: Job.start reads the method reference it is given
                // through the lambda's writeReplace, as it does for Config.java
                c.addOpens(m, description.substring(0, description.lastIndexOf('.')), Configure.class.getModule());
            }
            return c.layer();
        } catch (FindException | ResolutionException e) {
            throw new LinkException("cannot resolve module " + app + ": " + e.getMessage(), e);
        }
    }

    /**
     * The classes of the unikernel's module that implement {@link Description} directly,
     * sorted.
     */
    private static List<String> descriptionClasses(Layout layout) throws LinkException {
        List<String> found = new ArrayList<>();
        Path classes = layout.classes();
        String descriptionName = Description.class.getName().replace('.', '/');
        try (var files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                if (f.getFileName().toString().equals("module-info.class")) {
                    continue;
                }
                java.lang.classfile.ClassModel cm;
                try {
                    cm = java.lang.classfile.ClassFile.of().parse(Files.readAllBytes(f));
                } catch (IllegalArgumentException e) {
                    throw new LinkException("cannot read " + f + ": " + e.getMessage(), e);
                }
                for (var i : cm.interfaces()) {
                    if (i.asInternalName().equals(descriptionName)) {
                        found.add(cm.thisClass().asInternalName().replace('/', '.'));
                    }
                }
            }
        } catch (IOException e) {
            throw new LinkException("cannot read the unikernel's classes in " + classes + ": " + e.getMessage(), e);
        }
        java.util.Collections.sort(found);
        return found;
    }

    /**
     * The unikernel's own description when no {@code Config.java} is beside it: the one class
     * of its module that implements {@link Description} directly (the module
     * {@code requires static mirage.link}, so the tool's module is not linked into the image).
     */
    private static String descriptionClass(Layout layout, List<String> found) throws LinkException {
        if (found.isEmpty()) {
            throw new LinkException(layout.dir() + " is not a unikernel: it has no " + DESCRIPTION
                    + " and no class in " + SOURCES + " implements mirage.link.Description");
        }
        if (found.size() > 1) {
            throw new LinkException("the unikernel has " + found.size() + " descriptions (" + String.join(", ", found)
                    + "): keep one");
        }
        String cls = found.getFirst();
        if (cls.indexOf('.') < 0 || cls.indexOf('$') >= 0) {
            throw new LinkException(cls + ": a description in the unikernel's module is a top-level class of a named package");
        }
        return cls;
    }

    private static Job describeInModule(ModuleLayer layer, String app, String cls) throws LinkException {
        try {
            return run(Class.forName(cls, true, layer.findLoader(app)), cls);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new LinkException(cls + ": cannot load the description: " + e
                    + " (does module-info.java say 'requires static mirage.link'?)", e);
        }
    }

    private static Job describe(Path configClasses, ModuleLayer layer, String app) throws LinkException {
        URL url;
        try {
            url = configClasses.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new LinkException("bad path " + configClasses, e);
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {url}, layer.findLoader(app))) {
            return run(loader.loadClass("Config"), DESCRIPTION);
        } catch (ClassNotFoundException e) {
            throw new LinkException(DESCRIPTION + " must declare a public class Config in the unnamed package");
        } catch (IOException e) {
            throw new LinkException(DESCRIPTION + ": cannot run Config: " + e, e);
        }
    }

    /** Makes {@code cls} and runs its {@code describe()}; {@code source} names it in messages. */
    private static Job run(Class<?> cls, String source) throws LinkException {
        String name = cls.getSimpleName();
        if (!Description.class.isAssignableFrom(cls)) {
            throw new LinkException(source + ": class " + name + " must implement mirage.link.Description");
        }
        Constructor<?> ctor;
        try {
            ctor = cls.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new LinkException(source + ": class " + name + " needs a public constructor without parameters");
        }
        try {
            Job job = ((Description) ctor.newInstance()).describe();
            if (job == null) {
                throw new LinkException(source + ": describe() returned null");
            }
            return job;
        } catch (InvocationTargetException e) {
            throw new LinkException(source + ": " + name + "'s constructor threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new LinkException(source + ": cannot run " + name + ": " + e, e);
        } catch (RuntimeException | LinkageError e) {
            throw new LinkException(source + ": describe() failed: " + e, e);
        }
    }

    private static Method checkMain(Class<? extends Unikernel> main, Layout layout) throws LinkException {
        String where = "main class " + main.getName();
        int mods = main.getModifiers();
        if (!Modifier.isPublic(mods) || Modifier.isAbstract(mods) || main.isInterface() || main.getEnclosingClass() != null) {
            throw new LinkException(where + " must be a public, top-level, concrete class");
        }
        try {
            if (!Modifier.isPublic(main.getConstructor().getModifiers())) {
                throw new NoSuchMethodException();
            }
        } catch (NoSuchMethodException e) {
            throw new LinkException(where + " needs a public constructor without parameters");
        }
        List<Method> starts = Arrays.stream(main.getMethods()).filter(m -> m.getName().equals("start")).toList();
        if (starts.size() != 1) {
            throw new LinkException(where + " must have exactly one public method named start, not " + starts.size());
        }
        Method start = starts.getFirst();
        if (Modifier.isStatic(start.getModifiers()) || start.getReturnType() != void.class) {
            throw new LinkException(where + ": start must be an instance method returning void");
        }
        String boot = new Plan("x", Target.SOLO5, "x", main.getName(), "", List.of(), List.of(), new TreeSet<>(),
                Manifest.EMPTY, "x").bootClass();
        if (Files.exists(layout.classes().resolve(boot.replace('.', '/') + ".class"))) {
            throw new LinkException("the unikernel already has a class " + boot + ": that name is the generated boot class's");
        }
        return start;
    }

    /**
     * Checks each start parameter against its implementation, as javac checked the description
     * already (a second line, for jobs made without the typed steps); returns the runtime
     * arguments.
     */
    private static List<RuntimeArg<?>> checkStart(Method start, List<Impl<?>> impls, ModuleLayer layer) throws LinkException {
        Class<?>[] params = start.getParameterTypes();
        if (params.length != impls.size()) {
            throw new LinkException(DESCRIPTION + ": " + start.getDeclaringClass().getSimpleName() + ".start takes "
                    + params.length + " parameters but the job gives " + impls.size());
        }
        Map<String, RuntimeArg<?>> args = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i++) {
            Impl<?> impl = impls.get(i);
            String what = "parameter " + (i + 1) + " of start (" + params[i].getName() + ")";
            checkImpl(impl, layer, args, what);
            if (!fits(impl, params[i], layer, what)) {
                throw new LinkException(DESCRIPTION + ": " + what + " is given " + Plan.describe(impl) + ", a " + impl.type());
            }
        }
        return List.copyOf(args.values());
    }

    /**
     * Whether {@code impl}'s value can be passed as a {@code param}: a subtype, or a runtime
     * argument of type int, long or boolean for that primitive.
     */
    private static boolean fits(Impl<?> impl, Class<?> param, ModuleLayer layer, String what) throws LinkException {
        if (param.isPrimitive()) {
            return impl instanceof Impl.Arg<?> a && Plan.primitive(a.arg().type()).orElse(null) == param;
        }
        return param.isAssignableFrom(load(impl.type(), layer, what));
    }

    static void checkImpl(Impl<?> impl, ModuleLayer layer, Map<String, RuntimeArg<?>> args, String what)
            throws LinkException {
        switch (impl) {
            case Impl.PlatformValue p -> { }
            case Impl.LoopValue l -> { }
            case Impl.Select<?> sel -> throw new LinkException(DESCRIPTION + ": " + what + ": configure key --" + sel.key()
                    + " is not resolved (a bug of the link tool)");
            case Impl.Device<?> d -> {
                Class<?> type = load(d.type(), layer, what);
                // the type is the module's own or one it requires transitively (KV_RO: mirage.kv's KvRo, bound by
                // mirage.block); a module the unikernel does not read is checked when the image's module set is resolved
                Module owner = layer.findModule(d.module()).orElse(null);
                boolean fromOwner = type.getModule().getName().equals(d.module()) || owner == null
                        || owner.getDescriptor().requires().stream().anyMatch(r -> r.name().equals(type.getModule().getName())
                                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
                if (!type.isInterface() || !fromOwner) {
                    throw new LinkException(DESCRIPTION + ": " + what + ": device " + d.name() + " is delivered as "
                            + d.type() + ", which is not an interface of module " + d.module() + " or one it requires transitively");
                }
            }
            case Impl.Arg<?> a -> {
                RuntimeArg<?> seen = args.putIfAbsent(a.arg().name(), a.arg());
                if (seen != null && !seen.equals(a.arg())) {
                    throw new LinkException(DESCRIPTION + ": two different runtime arguments are named --" + a.arg().name());
                }
            }
            case Impl.Crunched k -> load(k.type(), layer, what);
            case Impl.Call<?> c -> checkCall(c, layer, args, what);
        }
    }

    private static void checkCall(Impl.Call<?> c, ModuleLayer layer, Map<String, RuntimeArg<?>> args, String what)
            throws LinkException {
        for (Impl<?> input : c.inputs()) {
            checkImpl(input, layer, args, what);
        }
        String name = c.owner() + "." + c.method();
        Class<?> owner = load(c.owner(), layer, what);
        List<Class<?>> params = new ArrayList<>();
        for (String p : c.parameters()) {
            params.add(switch (p) {
                case "int" -> int.class;
                case "long" -> long.class;
                case "boolean" -> boolean.class;
                default -> load(p, layer, what);
            });
        }
        Method m;
        try {
            m = owner.getMethod(c.method(), params.toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new LinkException(DESCRIPTION + ": " + what + ": no public method " + name + " taking " + c.parameters());
        }
        boolean instance = c.dispatch() == Impl.Dispatch.INSTANCE;
        if (instance && !owner.isAssignableFrom(load(c.inputs().getFirst().type(), layer, what))) {
            throw new LinkException(DESCRIPTION + ": " + what + ": the receiver of " + name + " is a "
                    + c.inputs().getFirst().type());
        }
        for (int i = 0; i < params.size(); i++) {
            Impl<?> input = c.inputs().get(i + (instance ? 1 : 0));
            if (!fits(input, params.get(i), layer, what)) {
                throw new LinkException(DESCRIPTION + ": " + what + ": parameter " + (i + 1) + " of " + name + " ("
                        + c.parameters().get(i) + ") is given " + Plan.describe(input) + ", a " + input.type());
            }
        }
        boolean isStatic = Modifier.isStatic(m.getModifiers());
        boolean dispatchFits = switch (c.dispatch()) {
            case STATIC_INTERFACE -> isStatic && owner.isInterface();
            case STATIC_CLASS -> isStatic && !owner.isInterface();
            case INSTANCE -> !isStatic && owner.isInterface();
        };
        if (!dispatchFits || !m.getReturnType().getName().equals(c.type())
                || !owner.getModule().getName().equals(c.module())) {
            throw new LinkException(DESCRIPTION + ": " + what + ": " + name
                    + " is not a " + c.dispatch() + " method of module " + c.module() + " returning " + c.type());
        }
    }

    private static Class<?> load(String binaryName, ModuleLayer layer, String what) throws LinkException {
        for (Module m : layer.modules()) {
            // try each module's loader: they all share one, which delegates to the boot layer
            try {
                return Class.forName(binaryName, false, m.getClassLoader());
            } catch (ClassNotFoundException e) {
                break;
            }
        }
        try {
            return Class.forName(binaryName, false, Configure.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new LinkException(DESCRIPTION + ": " + what + ": type " + binaryName + " not found on the module path");
        }
    }

    /** The image's modules: the closure of the roots over the module path and the JDK. */
    static SortedSet<String> moduleSet(List<Path> modulePath, Set<String> roots, Target target) throws LinkException {
        ModuleFinder finder = ModuleFinder.compose(ModuleFinder.of(modulePath.toArray(Path[]::new)), ModuleFinder.ofSystem());
        if (finder.find(target.module()).isEmpty()) {
            throw new LinkException("target " + target.word() + " needs module " + target.module()
                    + ", which is not on the module path");
        }
        try {
            Configuration cf = Configuration.empty().resolve(finder, ModuleFinder.of(), roots);
            return cf.modules().stream().map(ResolvedModule::name).collect(Collectors.toCollection(TreeSet::new));
        } catch (FindException | ResolutionException e) {
            throw new LinkException("cannot compute the module set: " + e.getMessage(), e);
        }
    }

    private static String descriptor(Method m) {
        return java.lang.invoke.MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
    }
}
