package mirage.link.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import mirage.core.ArgType;
import mirage.core.RuntimeArg;
import mirage.core.spi.Manifest;
import mirage.link.Impl;
import mirage.link.Target;

/**
 * What configure resolved: everything the boot-class generator and the jlink plugin need, and
 * its text form, the boot plan written into the image as {@code mirage-boot-plan}.
 *
 * @param name the unikernel's name
 * @param target the platform
 * @param appModule the unikernel's module
 * @param mainClass binary name of the {@code Unikernel} class
 * @param startDescriptor the JVM descriptor of its {@code start} method
 * @param start the implementations of start's parameters, in order
 * @param args the runtime arguments, in order of first use
 * @param modules the computed module set of the image, sorted
 * @param manifest the device manifest
 * @param profile the jlink profile's name
 */
public record Plan(
        String name,
        Target target,
        String appModule,
        String mainClass,
        String startDescriptor,
        List<Impl<?>> start,
        List<RuntimeArg<?>> args,
        SortedSet<String> modules,
        Manifest manifest,
        String profile) {

    public static final String HEADER = "mirage-boot-plan 1";

    public Plan {
        start = List.copyOf(start);
        args = List.copyOf(args);
        modules = new TreeSet<>(modules);
    }

    /** This plan with another module set (the link's, once descriptors are trimmed). */
    public Plan withModules(SortedSet<String> set) {
        return new Plan(name, target, appModule, mainClass, startDescriptor, start, args, set, manifest, profile);
    }

    /** Binary name of the generated boot class: {@code MirageBoot} in the main class's package. */
    public String bootClass() {
        int dot = mainClass.lastIndexOf('.');
        return (dot < 0 ? "" : mainClass.substring(0, dot + 1)) + "MirageBoot";
    }

    /** The device graph of {@link #start()}: each distinct node once, in evaluation order. */
    public Graph graph() {
        return Graph.of(start);
    }

    /** The modules jlink is asked for; the rest of {@link #modules()} is their closure. */
    public SortedSet<String> roots() {
        SortedSet<String> roots = new TreeSet<>();
        roots.add(appModule);
        roots.add(target.module());
        collectModules(start, roots);
        return roots;
    }

    private static void collectModules(List<Impl<?>> impls, SortedSet<String> into) {
        for (Impl<?> impl : impls) {
            if (impl instanceof Impl.Call<?> call) {
                into.add(call.module());
                collectModules(call.inputs(), into);
            } else if (impl instanceof Impl.Device<?> device) {
                into.add(device.module());
            } else if (impl instanceof Impl.Crunched) {
                into.add("mirage.kv");
            }
        }
    }

    /** Index of {@code arg} among {@link #args()}, by name. */
    public int argIndex(RuntimeArg<?> arg) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).name().equals(arg.name())) {
                return i;
            }
        }
        throw new IllegalArgumentException("runtime argument " + arg.name() + " is not in the plan");
    }

    /**
     * The text form: a header, then one {@code key<TAB>value...} line per fact, fields escaped
     * ({@code \\}, {@code \t}, {@code \n}): the unikernel, its module set, its runtime
     * arguments, the device graph's nodes in evaluation order ({@code node N WHAT TYPE}, inputs
     * as {@code #N}), the node each start parameter is given ({@code start I #N}) and the
     * manifest's devices. Deterministic: same plan, same bytes.
     */
    public String encode() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        line(b, "name", name);
        line(b, "target", target.word());
        line(b, "module", appModule);
        line(b, "main", mainClass);
        line(b, "boot", bootClass());
        line(b, "profile", profile);
        line(b, "modules", String.join(" ", modules));
        for (RuntimeArg<?> a : args) {
            line(b, "arg", a.name(), a.type().name(),
                    a.defaultText().map(d -> "default=" + d).orElse("required"), a.doc());
        }
        Graph graph = graph();
        for (Graph.Node n : graph.nodes()) {
            line(b, "node", Integer.toString(n.id()), label(n), n.impl().type());
        }
        for (int i = 0; i < start.size(); i++) {
            line(b, "start", Integer.toString(i), "#" + graph.start().get(i));
        }
        for (Manifest.Entry d : manifest.devices()) {
            line(b, "device", d.kind().name(), d.name());
        }
        return b.toString();
    }

    /** The module set recorded in a boot plan's text, for the jlink plugin. */
    public static SortedSet<String> modulesOf(String planText) throws LinkException {
        String[] lines = planText.split("\n");
        if (lines.length == 0 || !lines[0].equals(HEADER)) {
            throw new LinkException("not a boot plan: the first line is not '" + HEADER + "'");
        }
        for (String line : lines) {
            if (line.startsWith("modules\t")) {
                return new TreeSet<>(List.of(line.substring("modules\t".length()).split(" ")));
            }
        }
        throw new LinkException("boot plan has no 'modules' line");
    }

    /** What a node of the graph is, its inputs by number: {@code mirage.core.Rng.drbg(#8)}. */
    static String label(Graph.Node n) {
        if (n.impl() instanceof Impl.Call<?> c) {
            List<String> inputs = new ArrayList<>();
            n.inputs().forEach(i -> inputs.add("#" + i));
            return c.owner() + "." + c.method() + "(" + String.join(", ", inputs) + ")"
                    + (c.instance().isEmpty() ? "" : " instance " + c.instance());
        }
        return describe(n.impl());
    }

    /** One line a human reads: what a start parameter is made from, as a tree. */
    static String describe(Impl<?> impl) {
        return switch (impl) {
            case Impl.PlatformValue p -> "platform";
            case Impl.LoopValue l -> "loop";
            case Impl.Arg<?> a -> "--" + a.arg().name();
            case Impl.Device<?> d -> "device " + d.name() + " (" + d.kind() + ")";
            case Impl.Crunched k -> "packed store " + k.name() + " from " + k.directory() + "/";
            case Impl.Select<?> sel -> "--" + sel.key() + "=" + String.join("|", sel.choices().keySet());
            case Impl.Call<?> c -> {
                List<String> inputs = new ArrayList<>();
                c.inputs().forEach(i -> inputs.add(describe(i)));
                yield c.owner() + "." + c.method() + "(" + String.join(", ", inputs) + ")"
                        + (c.instance().isEmpty() ? "" : " instance " + c.instance());
            }
        };
    }

    private static void line(StringBuilder b, String key, String... fields) {
        b.append(key);
        for (String f : fields) {
            b.append('\t').append(escape(f));
        }
        b.append('\n');
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** The Java type a runtime argument's value is passed as. */
    static Optional<Class<?>> primitive(ArgType type) {
        return switch (type) {
            case INT -> Optional.of(int.class);
            case LONG -> Optional.of(long.class);
            case BOOLEAN -> Optional.of(boolean.class);
            case STRING, DURATION -> Optional.empty();
        };
    }
}
