package mirage.link.internal.reach;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which classes of a {@link Program} an image must keep: rapid type analysis from the roots
 * (main classes, classes the JVM and its native libraries name, keep rules, providers of the
 * services reachable code loads), then every class the JVM may load while running, verifying or
 * reflecting upon what is reachable.
 *
 * <p>A method is <em>reachable</em> when a reachable method calls it directly, or calls it
 * virtually on a type one of whose <em>instantiated</em> subtypes inherits it; a class is
 * instantiated by {@code new}, a constructor handle, a lambda call site (a synthetic class
 * implementing the functional interface) or reflection the analysis sees. What the analysis
 * keeps beyond the reachable code, so that a removal never changes what runs:
 * <ul>
 *   <li>every class a reachable method names (types checked, caught, allocated, constants),
 *       with its superclasses and interfaces;</li>
 *   <li>for each <em>used</em> class (initialized, instantiated, or with a reachable method):
 *       the types of all its members' descriptors (reflection resolves them), its enclosing
 *       class and nest host, and, outside {@code java.base} (whose classes the JVM does not
 *       verify), every class its constant pool names (the verifier may load any);</li>
 *   <li>classes named by string constants of reachable code, as reflection roots;</li>
 *   <li>for a method that calls a reflective API ({@code reflects} rules), every class it
 *       loads as a constant, and the methods of those classes its string constants name;</li>
 *   <li>an initialized enum's {@code values} and {@code valueOf}; a used resource bundle's
 *       locale variants ({@code Base_xx}); the serialization hooks of serializable classes
 *       once object streams are used.</li>
 * </ul>
 * Not thread-safe; one instance per analysis.
 */
public final class Reachability {
    private static final String OBJECT = "java/lang/Object";
    private static final String SERVICE_LOADER = "java/util/ServiceLoader";
    private static final String RESOURCE_BUNDLE = "java/util/ResourceBundle";
    private static final String SERIALIZABLE = "java/io/Serializable";
    private static final List<String> SERIALIZATION_HOOKS = List.of(
            "writeObject(Ljava/io/ObjectOutputStream;)V", "readObject(Ljava/io/ObjectInputStream;)V",
            "readObjectNoData()V", "writeReplace()Ljava/lang/Object;", "readResolve()Ljava/lang/Object;");

    private final Program program;
    private final Set<String> unverifiedModules;
    private final List<KeepRules> rules;
    private final Map<String, ClassInfo> synthetic = new HashMap<>();
    private final Map<String, Program.ModuleFacts> modulesByName = new HashMap<>();

    private final Map<String, Object> kept = new HashMap<>();
    private final Set<String> linked = new HashSet<>();
    private final Set<String> used = new HashSet<>();
    private final Set<String> initialized = new HashSet<>();
    private final Set<String> instantiated = new HashSet<>();
    private final Set<String> wholeRoots = new HashSet<>();
    private final Map<Collection<String>, Set<String>> namedRoots = new java.util.IdentityHashMap<>();
    private java.util.NavigableSet<String> binaryNames;
    private java.util.NavigableSet<String> internalNames;
    private final Map<MethodInfo, Object> reached = new java.util.IdentityHashMap<>();
    private final Map<MethodInfo, ClassInfo> reachedIn = new java.util.IdentityHashMap<>();
    private final Set<String> missing = new TreeSet<>();
    private final Set<String> boundServices = new HashSet<>();
    private final Set<String> loadedNatives = new TreeSet<>();
    private final Map<String, Map<String, Object>> calledOn = new HashMap<>();
    private final Map<String, List<String>> instantiatedSubtypes = new HashMap<>();
    private final Map<String, Set<String>> supertypes = new HashMap<>();
    private final Map<String, List<Runnable>> whenUsed = new HashMap<>();
    private final List<KeepRules.ClassPattern> nestPatterns = new ArrayList<>();
    private final Map<String, Set<String>> sinks = new HashMap<>();
    private final Set<String> spis = new HashSet<>();
    private final Set<String> omitted = new HashSet<>();
    private final Map<String, List<Runnable>> whenCalled = new HashMap<>();
    private final Map<String, Program.NativeLibrary> nativesByName = new HashMap<>();
    private final Deque<Runnable> work = new ArrayDeque<>();
    private int lambdas;
    private boolean serialization;

    private Reachability(Program program, Set<String> unverifiedModules, List<KeepRules> rules) {
        this.program = program;
        this.unverifiedModules = Set.copyOf(unverifiedModules);
        this.rules = List.copyOf(rules);
        for (Program.ModuleFacts m : program.modules()) {
            modulesByName.put(m.name(), m);
        }
        for (Program.NativeLibrary lib : program.natives()) {
            nativesByName.put(lib.name(), lib);
        }
    }

    /**
     * Runs the analysis.
     *
     * @param unverifiedModules modules whose classes the JVM does not verify (the boot loader's:
     *     {@code java.base} at least); the others are kept verifiable
     * @param rules the keep rules of the program's modules
     * @param roots further roots: classes (internal names) kept as reflection roots
     */
    public static Result analyze(Program program, Set<String> unverifiedModules, List<KeepRules> rules,
            Collection<String> roots) {
        Reachability r = new Reachability(program, unverifiedModules, rules);
        r.run(roots);
        return r.result();
    }

    /**
     * What the analysis found.
     *
     * @param kept every class to keep (internal name) with the first reason found for it
     * @param used the classes initialized, instantiated or with a reachable method
     * @param linked the classes the JVM may link (the used ones, their supertypes, and classes
     *     loaded as constants): whose constant pools must resolve
     * @param missing classes reachable code names that the program lacks
     * @param loadedNatives the native libraries the image loads
     * @param reachableMethods reachable methods as {@code class.name+descriptor}, with the first
     *     reason found for each
     */
    public record Result(Map<String, String> kept, Set<String> used, Set<String> linked, Set<String> missing,
            Set<String> loadedNatives, Map<String, String> reachableMethods) {
        /** Whether the class (internal name) is kept. */
        public boolean keeps(String internalName) {
            return kept.containsKey(internalName);
        }
    }

    private Result result() {
        Set<String> usedClasses = new TreeSet<>(used);
        usedClasses.removeAll(synthetic.keySet());
        Set<String> linkedClasses = new TreeSet<>(linked);
        linkedClasses.removeAll(synthetic.keySet());
        Map<String, Object> methods = new HashMap<>();
        reached.forEach((m, why) -> methods.put(reachedIn.get(m).name() + "." + m.signature(), why));
        return new Result(texts(kept), usedClasses, linkedClasses, missing, loadedNatives, texts(methods));
    }

    private static Map<String, String> texts(Map<String, Object> reasons) {
        Map<String, String> out = new TreeMap<>();
        reasons.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /** A method, as a reason: put into words only when the result is read. */
    private record Where(ClassInfo c, MethodInfo m) {
        @Override
        public String toString() {
            return c.name() + "." + m.signature();
        }
    }

    /** A reason, put into words only when the result is read. */
    private record Why(String before, Object subject, String after) {
        @Override
        public String toString() {
            return before + subject + after;
        }
    }

    // ---------------------------------------------------------------- roots

    private void run(Collection<String> roots) {
        Map<String, String> natives = new TreeMap<>();
        for (KeepRules file : rules) {
            String src = file.module() + ".keep";
            for (KeepRules.Rule rule : file.rules()) {
                switch (rule) {
                    case KeepRules.Rule.Reflects r -> sinks.computeIfAbsent(internal(r.owner()), k -> new HashSet<>())
                            .add(r.method());
                    case KeepRules.Rule.KeepNest n -> nestPatterns.add(n.pattern());
                    case KeepRules.Rule.Native n -> natives.putIfAbsent(n.name(), src + ": native " + n.name());
                    case KeepRules.Rule.Spi spi -> spis.add(internal(spi.type()));
                    case KeepRules.Rule.Omit o -> omitted.add(internal(o.name()));
                    default -> { }
                }
            }
        }
        natives.forEach(this::loadNative);
        for (KeepRules file : rules) {
            String src = file.module() + ".keep";
            for (KeepRules.Rule rule : file.rules()) {
                switch (rule) {
                    case KeepRules.Rule.Keep k -> patternRule(k.pattern(), k.when(), true, src + ": keep " + k.pattern().text());
                    case KeepRules.Rule.Instantiate k -> patternRule(k.pattern(), k.when(), false,
                            src + ": instantiate " + k.pattern().text());
                    default -> { }
                }
            }
        }
        for (Program.ModuleFacts m : program.modules()) {
            m.mainClass().ifPresent(main -> reflectionRoot(internal(main), "main class of module " + m.name()));
        }
        for (String root : roots) {
            reflectionRoot(root, "root");
        }
        while (!work.isEmpty()) {
            work.poll().run();
        }
    }

    private void patternRule(KeepRules.ClassPattern pattern, List<String> when, boolean whole, String why) {
        if (when.isEmpty()) {
            work.add(() -> keepPattern(pattern, whole, why));
        } else {
            for (String c : when) {
                onUsed(internal(c), () -> keepPattern(pattern, whole, why + " if " + c));
            }
        }
    }

    private void keepPattern(KeepRules.ClassPattern pattern, boolean whole, Object why) {
        List<String> matching = new ArrayList<>();
        String exact = pattern.exact();
        if (exact != null) {
            matching.add(internal(exact));
        } else {
            if (binaryNames == null) {
                binaryNames = new TreeSet<>();
                for (String name : program.classes().keySet()) {
                    binaryNames.add(name.replace('/', '.'));
                }
            }
            String prefix = pattern.literalPrefix();
            for (String name : binaryNames.subSet(prefix, true, prefix + Character.MAX_VALUE, false)) {
                if (pattern.matches(name)) {
                    matching.add(internal(name));
                }
            }
        }
        for (String name : matching) {
            if (whole) {
                reflectionRoot(name, why);
            } else {
                namedRoot(name, why, List.of());
            }
        }
    }

    private void loadNative(String name, Object why) {
        if (!loadedNatives.add(name)) {
            return;
        }
        Program.NativeLibrary lib = nativesByName.get(name);
        if (lib != null) {
            for (String c : lib.classNames()) {
                namedRoot(c, new Why("named in native library lib" + name + " (", why, ")"), lib.memberNames());
            }
        }
    }

    // ---------------------------------------------------------------- classes

    private ClassInfo info(String name) {
        if (name == null || omitted.contains(name)) {
            return null;
        }
        ClassInfo c = program.classes().get(name);
        return c != null ? c : synthetic.get(name);
    }

    /** The class must be loadable: it and its supertypes are kept. */
    private void keep(String name, Object why) {
        if (name == null) {
            return;
        }
        String element = Descriptors.elementClass(name);
        if (element == null) {
            return;
        }
        if (kept.containsKey(element)) {
            return;
        }
        ClassInfo c = info(element);
        if (c == null) {
            missing.add(element);
            return;
        }
        if (synthetic.containsKey(element)) {
            return;
        }
        kept.put(element, why);
        keep(c.superName(), new Why("superclass of ", element, ""));
        for (String i : c.interfaces()) {
            keep(i, new Why("interface of ", element, ""));
        }
    }

    /** The class may be linked and reflected upon: what resolution and reflection need is kept. */
    private void link(String name, Object why) {
        keep(name, why);
        ClassInfo c = info(name);
        if (c == null || !linked.add(name)) {
            return;
        }
        Object because = new Why("used by ", name, "");
        for (String s : directSupertypes(c)) {
            link(s, because);
        }
        for (String t : c.memberTypes()) {
            keep(t, new Why("in a member descriptor of ", name, ""));
        }
        for (String h : c.hosts()) {
            keep(h, new Why("enclosing class or nest host of ", name, ""));
        }
        if (!unverifiedModules.contains(c.module())) {
            for (String t : c.poolClasses()) {
                keep(t, new Why("named in the constant pool of ", name, " (verification)"));
            }
        }
    }

    /** The class is used: initialized, instantiated or running code. */
    private void use(String name, Object why) {
        link(name, why);
        if (info(name) == null || !used.add(name)) {
            return;
        }
        List<Runnable> pending = whenUsed.remove(name);
        if (pending != null) {
            work.addAll(pending);
        }
        String binary = name.replace('/', '.');
        for (KeepRules.ClassPattern p : nestPatterns) {
            if (p.matches(binary)) {
                keepNest(name);
            }
        }
        if (isSubtype(name, RESOURCE_BUNDLE)) {
            String prefix = name + "_";
            for (String other : withPrefix(prefix)) {
                if (other.indexOf('/', prefix.length()) < 0) {
                    reflectionRoot(other, new Why("locale variant of resource bundle ", name, ""));
                }
            }
        }
        if (name.equals("java/io/ObjectStreamClass") && !serialization) {
            serialization = true;
            for (String c : new ArrayList<>(instantiated)) {
                serializationHooks(c);
            }
        }
    }

    /** Every class of the nest {@code name} belongs to (its top-level class and all nested in it). */
    private void keepNest(String name) {
        int simple = name.lastIndexOf('/') + 1;
        int dollar = name.indexOf('$', simple);
        String host = dollar > simple ? name.substring(0, dollar) : name;
        Object why = new Why("nest of ", name, " (keep-nest)");
        reflectionRoot(host, why);
        for (String other : withPrefix(host + "$")) {
            reflectionRoot(other, why);
        }
    }

    /** The program's classes whose internal names start with {@code prefix}, in name order. */
    private List<String> withPrefix(String prefix) {
        if (internalNames == null) {
            internalNames = new TreeSet<>(program.classes().keySet());
        }
        return List.copyOf(internalNames.subSet(prefix, true, prefix + Character.MAX_VALUE, false));
    }

    private void onUsed(String name, Runnable action) {
        if (used.contains(name)) {
            work.add(action);
        } else {
            whenUsed.computeIfAbsent(name, k -> new ArrayList<>()).add(action);
        }
    }

    private void initialize(String name, Object why) {
        ClassInfo c = info(name);
        if (c == null) {
            keep(name, why);
            return;
        }
        use(name, why);
        if (!initialized.add(name)) {
            return;
        }
        Object because = new Why("initialization of ", name, "");
        for (String s : directSupertypes(c)) {
            initialize(s, because);
        }
        MethodInfo clinit = c.methods().get("<clinit>()V");
        if (clinit != null) {
            reach(c, clinit, because);
        }
        if (c.isEnum()) {
            for (MethodInfo m : c.methods().values()) {
                if (m.isStatic() && (m.name().equals("values") || m.name().equals("valueOf"))) {
                    reach(c, m, new Why("enum ", name, " (values and valueOf by name)"));
                }
            }
        }
    }

    private void instantiate(String name, Object why) {
        ClassInfo c = info(name);
        if (c == null) {
            keep(name, why);
            return;
        }
        initialize(name, why);
        if (c.isInterface() || c.isAbstract() || !instantiated.add(name)) {
            return;
        }
        for (String s : supertypes(name)) {
            instantiatedSubtypes.computeIfAbsent(s, k -> new ArrayList<>()).add(name);
            Map<String, Object> sigs = calledOn.get(s);
            if (sigs != null) {
                for (Map.Entry<String, Object> sig : new ArrayList<>(sigs.entrySet())) {
                    dispatch(name, sig.getKey(), sig.getValue());
                }
            }
        }
        if (serialization) {
            serializationHooks(name);
        }
    }

    private void serializationHooks(String name) {
        if (!isSubtype(name, SERIALIZABLE)) {
            return;
        }
        for (ClassInfo c = info(name); c != null; c = c.superName() == null ? null : info(c.superName())) {
            for (String hook : SERIALIZATION_HOOKS) {
                MethodInfo m = c.methods().get(hook);
                if (m != null) {
                    reach(c, m, new Why("serialization hook of ", name, ""));
                }
            }
        }
    }

    /** A class loaded, initialized, constructed and called by name: every method of it is reachable. */
    private void reflectionRoot(String name, Object why) {
        ClassInfo c = info(name);
        if (c == null) {
            if (name != null && Descriptors.elementClass(name) != null) {
                missing.add(name);
            }
            return;
        }
        if (!wholeRoots.add(name)) {
            return;
        }
        instantiate(name, why);
        Object because = new Why("reflection root ", name, "");
        for (MethodInfo m : c.methods().values()) {
            rootMethod(c, m, because);
        }
    }

    /**
     * A class found by name, whose methods are found by name too: it is loaded, initialized and
     * constructed, and its methods named in {@code names} are reachable.
     */
    private void namedRoot(String name, Object why, Collection<String> names) {
        ClassInfo c = info(name);
        if (c == null || wholeRoots.contains(name) || !namedRoots.computeIfAbsent(names, k -> new HashSet<>()).add(name)) {
            return;
        }
        instantiate(name, why);
        Object because = new Why("found by name: ", name, "");
        for (MethodInfo m : c.methods().values()) {
            if (m.name().equals("<init>")) {
                reach(c, m, because);
            } else if (names.contains(m.name())) {
                rootMethod(c, m, because);
            }
        }
    }

    /**
     * A class named by a string: a root now, or, if it implements an SPI, once the SPI is called.
     * Its methods named by {@code names} (the strings of the same method, if that method calls a
     * reflective API) are reachable too.
     */
    private void byString(String name, Object why, List<String> names) {
        for (String s : supertypes(name)) {
            if (spis.contains(s) && !s.equals(name)) {
                String spi = s;
                Runnable root = () -> namedRoot(name, new Why("", why, " (SPI " + spi + " called in "
                        + calledOn.get(spi).values().iterator().next() + ")"), names);
                if (calledOn.containsKey(s)) {
                    root.run();
                } else {
                    whenCalled.computeIfAbsent(s, k -> new ArrayList<>()).add(root);
                }
                return;
            }
        }
        namedRoot(name, why, names);
    }

    private void rootMethod(ClassInfo c, MethodInfo m, Object why) {
        reach(c, m, why);
        if (!m.isStatic() && !m.name().startsWith("<")) {
            virtual(c.name(), m.signature(), why);
        }
    }

    /** The superclass (if any) and the interfaces {@code c} names. */
    private static List<String> directSupertypes(ClassInfo c) {
        if (c.superName() == null) {
            return c.interfaces();
        }
        List<String> out = new ArrayList<>(c.interfaces().size() + 1);
        out.add(c.superName());
        out.addAll(c.interfaces());
        return out;
    }

    private Set<String> supertypes(String name) {
        Set<String> s = supertypes.get(name);
        if (s != null) {
            return s;
        }
        s = new LinkedHashSet<>();
        s.add(name);
        ClassInfo c = info(name);
        if (c != null) {
            if (c.superName() != null) {
                s.addAll(supertypes(c.superName()));
            }
            for (String i : c.interfaces()) {
                s.addAll(supertypes(i));
            }
        }
        if (!name.equals(OBJECT)) {
            s.add(OBJECT);
        }
        supertypes.put(name, s);
        return s;
    }

    private boolean isSubtype(String name, String of) {
        return supertypes(name).contains(of);
    }

    // ---------------------------------------------------------------- methods

    private void reach(ClassInfo c, MethodInfo m, Object why) {
        if (reached.putIfAbsent(m, why) != null) {
            return;
        }
        reachedIn.put(m, c);
        use(c.name(), why);
        work.add(() -> scan(c, m));
    }

    /** A direct call: the declaration found from {@code owner} up is reachable. */
    private void direct(String owner, String sig, Object why) {
        String cls = owner.startsWith("[") ? OBJECT : owner;
        keep(cls, why);
        for (String s : supertypes(cls)) {
            ClassInfo c = info(s);
            MethodInfo m = c == null ? null : c.methods().get(sig);
            if (m != null) {
                reach(c, m, why);
                return;
            }
        }
    }

    /** A static call or access: the declaring class is initialized. */
    private void staticMember(String owner, String sig, boolean method, Object why) {
        for (String s : supertypes(owner)) {
            ClassInfo c = info(s);
            if (c == null) {
                continue;
            }
            boolean declares = method ? c.methods().containsKey(sig) : true;
            if (declares) {
                initialize(s, why);
                if (method) {
                    reach(c, c.methods().get(sig), why);
                }
                return;
            }
        }
        keep(owner, why);
    }

    private void virtual(String owner, String sig, Object why) {
        String cls = owner.startsWith("[") ? OBJECT : owner;
        keep(cls, why);
        Map<String, Object> called = calledOn.get(cls);
        if (called == null) {
            called = new HashMap<>();
            calledOn.put(cls, called);
            List<Runnable> pending = whenCalled.remove(cls);
            if (pending != null) {
                work.addAll(pending);
            }
        }
        if (called.putIfAbsent(sig, why) != null) {
            return;
        }
        List<String> subs = instantiatedSubtypes.get(cls);
        if (subs != null) {
            for (String c : new ArrayList<>(subs)) {
                dispatch(c, sig, why);
            }
        }
        if (cls.equals("java/lang/invoke/MethodHandle") || cls.equals("java/lang/invoke/VarHandle")) {
            // signature-polymorphic: the call's descriptor is not the declaration's
            ClassInfo c = info(cls);
            String name = sig.substring(0, sig.indexOf('('));
            if (c != null) {
                for (MethodInfo m : c.methods().values()) {
                    if (m.name().equals(name)) {
                        reach(c, m, why);
                    }
                }
            }
        }
    }

    /** The implementation {@code sig} has in instantiated class {@code cls}. */
    private void dispatch(String cls, String sig, Object caller) {
        Object why = new Why("dispatch on " + cls + " from ", caller, "");
        for (ClassInfo c = info(cls); c != null; c = c.superName() == null ? null : info(c.superName())) {
            MethodInfo m = c.methods().get(sig);
            if (m != null && !m.isStatic()) {
                if (!m.isAbstract()) {
                    reach(c, m, why);
                }
                return;
            }
        }
        for (String s : supertypes(cls)) {
            ClassInfo i = info(s);
            if (i != null && i.isInterface()) {
                MethodInfo m = i.methods().get(sig);
                if (m != null && !m.isStatic() && !m.isAbstract()) {
                    reach(i, m, why);
                }
            }
        }
    }

    // ---------------------------------------------------------------- code

    private void scan(ClassInfo c, MethodInfo m) {
        Object where = new Where(c, m);
        boolean reflective = false;
        boolean loadsServices = false;
        for (Ref r : m.refs()) {
            Set<String> sinkNames = sinks.get(r.owner());
            if (r.kind() != Ref.Kind.NEW && sinkNames != null && sinkNames.contains(r.name())) {
                reflective = true;
                loadsServices |= r.owner().equals(SERVICE_LOADER);
            }
        }
        for (Ref r : m.refs()) {
            String sig = r.signature();
            switch (r.kind()) {
                case STATIC -> staticMember(r.owner(), sig, true, where);
                case SPECIAL -> direct(r.owner(), sig, where);
                case NEW_SPECIAL -> {
                    instantiate(r.owner(), where);
                    direct(r.owner(), sig, where);
                }
                case VIRTUAL -> virtual(r.owner(), sig, where);
                case STATIC_FIELD -> staticMember(r.owner(), sig, false, where);
                case FIELD -> keep(r.owner(), where);
                case NEW -> instantiate(r.owner(), where);
            }
        }
        for (String t : m.types()) {
            keep(t, where);
        }
        List<String> names = reflective ? m.strings() : List.of();
        for (String s : m.strings()) {
            string(s, where, names);
        }
        for (Constant k : m.constants()) {
            constant(k, where, names);
        }
        if (reflective) {
            reflectiveCaller(c, m, loadsServices, where);
        }
    }

    private void string(String s, Object where, List<String> names) {
        if (nativesByName.containsKey(s)) {
            loadNative(s, new Why("loaded by ", where, ""));
        }
        if (s.length() < 3 || s.length() > 400) {
            return;
        }
        String internal = s.indexOf('/') >= 0 ? s : s.replace('.', '/');
        if (info(internal) != null) {
            byString(internal, new Why("named by a string constant in ", where, ""), names);
            return;
        }
        if (s.startsWith("L") || s.startsWith("[") || s.startsWith("(")) {
            List<String> named = new ArrayList<>();
            Descriptors.classesOf(s, named);
            for (String n : named) {
                if (info(n) != null) {
                    byString(n, new Why("named by a descriptor string in ", where, ""), names);
                }
            }
        }
    }

    private void constant(Constant k, Object where, List<String> names) {
        switch (k) {
            case Constant.Text t -> string(t.value(), where, names);
            case Constant.Type t -> {
                String element = Descriptors.elementClass(t.name());
                if (element != null) {
                    link(element, where);
                }
            }
            case Constant.Descriptor d -> keepAll(d.desc(), where);
            case Constant.Handle h -> handle(h.ref(), where);
            case Constant.Dynamic d -> dynamic(d, where, names);
        }
    }

    private void keepAll(String desc, Object where) {
        List<String> named = new ArrayList<>();
        Descriptors.classesOf(desc, named);
        for (String n : named) {
            keep(n, where);
        }
    }

    private void handle(Ref r, Object where) {
        String sig = r.signature();
        keepAll(r.desc(), where);
        switch (r.kind()) {
            case STATIC -> staticMember(r.owner(), sig, true, where);
            case SPECIAL -> direct(r.owner(), sig, where);
            case NEW_SPECIAL -> {
                instantiate(r.owner(), where);
                direct(r.owner(), sig, where);
            }
            case VIRTUAL -> {
                virtual(r.owner(), sig, where);
                direct(r.owner(), sig, where);
            }
            case STATIC_FIELD -> staticMember(r.owner(), sig, false, where);
            case FIELD, NEW -> keep(r.owner(), where);
        }
    }

    private void dynamic(Constant.Dynamic d, Object where, List<String> names) {
        handle(d.bootstrap(), where);
        keepAll(d.desc(), where);
        for (Constant a : d.args()) {
            constant(a, where, names);
        }
        String bsm = d.bootstrap().owner() + "." + d.bootstrap().name();
        switch (bsm) {
            case "java/lang/invoke/LambdaMetafactory.metafactory", "java/lang/invoke/LambdaMetafactory.altMetafactory" -> {
                if (d.callSite()) {
                    lambda(d, where);
                }
            }
            case "java/lang/invoke/StringConcatFactory.makeConcatWithConstants", "java/lang/invoke/StringConcatFactory.makeConcat" -> {
                virtual(OBJECT, "toString()Ljava/lang/String;", new Why("", where, " (string concatenation)"));
                direct("java/lang/String", "valueOf(Ljava/lang/Object;)Ljava/lang/String;", where);
            }
            case "java/lang/runtime/ObjectMethods.bootstrap" -> {
                Object why = new Why("", where, " (record methods)");
                virtual(OBJECT, "toString()Ljava/lang/String;", why);
                virtual(OBJECT, "hashCode()I", why);
                virtual(OBJECT, "equals(Ljava/lang/Object;)Z", why);
            }
            case "java/lang/invoke/ConstantBootstraps.enumConstant", "java/lang/runtime/SwitchBootstraps.enumSwitch" -> {
                List<String> named = new ArrayList<>();
                Descriptors.classesOf(d.desc(), named);
                for (String n : named) {
                    initialize(n, new Why("", where, " (enum constant by name)"));
                }
            }
            default -> { }
        }
    }

    /** A lambda call site: a synthetic class implementing the interface (and markers) is instantiated. */
    private void lambda(Constant.Dynamic d, Object where) {
        String desc = d.desc();
        String type = desc.substring(desc.indexOf(')') + 1);
        if (!type.startsWith("L")) {
            return;
        }
        List<String> interfaces = new ArrayList<>();
        interfaces.add(type.substring(1, type.length() - 1));
        for (int i = 3; i < d.args().size(); i++) {
            if (d.args().get(i) instanceof Constant.Type t) {
                interfaces.add(t.name());
            }
        }
        String name = "lambda$" + (++lambdas) + "$" + interfaces.getFirst();
        synthetic.put(name, ClassInfo.synthetic(name, interfaces));
        for (String i : interfaces) {
            link(i, new Why("", where, " (lambda)"));
        }
        instantiate(name, new Why("", where, " (lambda)"));
    }

    /** A method calling a reflective API: its class constants and the members its strings name. */
    private void reflectiveCaller(ClassInfo c, MethodInfo m, boolean loadsServices, Object where) {
        Object why = new Why("reflection in ", where, "");

        List<String> types = new ArrayList<>();
        for (Constant k : m.constants()) {
            if (k instanceof Constant.Type t && Descriptors.elementClass(t.name()) != null) {
                types.add(Descriptors.elementClass(t.name()));
            }
        }
        for (String t : types) {
            namedRoot(t, why, m.strings());
            for (String s : supertypes(t)) {
                ClassInfo sc = info(s);
                if (sc == null) {
                    continue;
                }
                for (MethodInfo sm : sc.methods().values()) {
                    if (m.strings().contains(sm.name())) {
                        reach(sc, sm, why);
                        if (!sm.isStatic()) {
                            virtual(t, sm.signature(), why);
                        }
                    }
                }
            }
        }
        if (loadsServices) {
            if (types.isEmpty()) {
                // a service loaded through a parameter: any service this module declares it uses
                Program.ModuleFacts facts = modulesByName.get(c.module());
                if (facts != null) {
                    for (String s : facts.uses()) {
                        bindService(s, "services of module " + c.module() + " loaded in " + where);
                    }
                }
            } else {
                for (String t : types) {
                    bindService(t.replace('/', '.'), "service loaded in " + where);
                }
            }
        }
    }

    private void bindService(String service, Object why) {
        if (!boundServices.add(service)) {
            return;
        }
        Set<String> unprovided = new HashSet<>();
        for (KeepRules file : rules) {
            for (KeepRules.Rule rule : file.rules()) {
                if (rule instanceof KeepRules.Rule.Unprovide u && u.service().equals(service)) {
                    unprovided.add(u.provider());
                }
            }
        }
        for (Program.ModuleFacts m : program.modules()) {
            for (String p : m.provides().getOrDefault(service, List.of())) {
                if (unprovided.contains(p)) {
                    continue;
                }
                String name = internal(p);
                ClassInfo c = info(name);
                if (c == null) {
                    missing.add(name);
                    continue;
                }
                Object because = new Why("provider of " + service + " (", why, ")");
                MethodInfo provider = null;
                for (MethodInfo mi : c.methods().values()) {
                    if (mi.isStatic() && mi.name().equals("provider") && mi.desc().startsWith("()")) {
                        provider = mi;
                    }
                }
                if (provider != null) {
                    initialize(name, because);
                    reach(c, provider, because);
                } else {
                    instantiate(name, because);
                    direct(name, "<init>()V", because);
                }
            }
        }
    }

    private static String internal(String binaryName) {
        return binaryName.replace('.', '/');
    }
}
