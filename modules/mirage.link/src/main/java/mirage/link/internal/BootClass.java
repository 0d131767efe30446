package mirage.link.internal;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.attribute.ModuleAttribute;
import java.lang.classfile.attribute.ModuleMainClassAttribute;
import java.lang.classfile.attribute.ModuleRequireInfo;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.constant.ModuleDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import mirage.core.RuntimeArg;
import mirage.link.Impl;

/**
 * Generates, with {@code java.lang.classfile}, the unikernel's boot class and its rewritten
 * module descriptor. The boot class does at run time only what the plan fixed at link time:
 *
 * <pre>{@code
 * public final class MirageBoot implements Boot.Entry, Supplier<Platform> {
 *     public static void main(String[] argv) {
 *         Solo5.begin(argv);                     // the target.beginMethod(), if it has one
 *         MirageBoot boot = new MirageBoot();
 *         System.exit(Boot.run(NAME, boot, arguments(), argv, boot)); // or the target.exitMethod()
 *     }
 *     public static List<RuntimeArg<?>> arguments() { return List.of(RuntimeArg.of(...), ...); }
 *     public Object get() { return Solo5.imagePlatform(); }
 *     public void start(Boot.Context c) throws Exception {
 *         Platform v2 = c.platform();            // each node of the device graph once,
 *         Console v3 = v2.console();             // inputs first, into a local of its own
 *         ...
 *         new Main().start(v3, ...);             // then start, with the nodes of its parameters
 *     }
 * }
 * }</pre>
 *
 * No reflection and no service lookup: every call is a constant-pool reference, checked by
 * configure and again by the JVM's verifier.
 */
public final class BootClass {
    private static final ClassDesc CD_BOOT = ClassDesc.of("mirage.core.spi.Boot");
    private static final ClassDesc CD_ENTRY = ClassDesc.of("mirage.core.spi.Boot$Entry");
    private static final ClassDesc CD_CONTEXT = ClassDesc.of("mirage.core.spi.Boot$Context");
    private static final ClassDesc CD_PLATFORM = ClassDesc.of("mirage.core.spi.Platform");
    private static final ClassDesc CD_OPTIONAL = ClassDesc.of("java.util.Optional");
    private static final ClassDesc CD_LOOP = ClassDesc.of("mirage.core.spi.EventLoop");
    private static final ClassDesc CD_ARGUMENTS = ClassDesc.of("mirage.core.Arguments");
    private static final ClassDesc CD_RUNTIME_ARG = ClassDesc.of("mirage.core.RuntimeArg");
    private static final ClassDesc CD_ARG_TYPE = ClassDesc.of("mirage.core.ArgType");
    private static final ClassDesc CD_SUPPLIER = ClassDesc.of("java.util.function.Supplier");
    private static final ClassDesc CD_LIST = ClassDesc.of("java.util.List");
    private static final ClassDesc CD_SYSTEM = ClassDesc.of("java.lang.System");

    /** The boot class's static method returning its runtime arguments ({@code List<RuntimeArg<?>>}). */
    public static final String ARGUMENTS = "arguments";

    private BootClass() {}

    /** The boot class's bytes. Deterministic: the same plan gives the same bytes. */
    public static byte[] generate(Plan plan) {
        ClassDesc self = ClassDesc.of(plan.bootClass());
        return ClassFile.of().build(self, cb -> {
            cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER);
            cb.withSuperclass(CD_Object);
            cb.withInterfaceSymbols(CD_ENTRY, CD_SUPPLIER);
            cb.withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC, code -> code
                    .aload(0)
                    .invokespecial(CD_Object, INIT_NAME, MTD_void)
                    .return_());
            cb.withMethodBody("main", MethodTypeDesc.of(CD_void, CD_String.arrayType()),
                    ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> main(code, self, plan));
            cb.withMethodBody(ARGUMENTS, MethodTypeDesc.of(CD_LIST), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                    code -> arguments(code, plan));
            cb.withMethodBody("get", MethodTypeDesc.of(CD_Object), ClassFile.ACC_PUBLIC, code -> code
                    .invokestatic(ClassDesc.of(plan.target().factoryOwner()), plan.target().factoryMethod(),
                            MethodTypeDesc.of(CD_PLATFORM), true)
                    .areturn());
            cb.withMethodBody("start", MethodTypeDesc.of(CD_void, CD_CONTEXT), ClassFile.ACC_PUBLIC,
                    code -> start(code, plan));
        });
    }

    private static void main(CodeBuilder code, ClassDesc self, Plan plan) {
        if (plan.target().beginMethod() != null) {
            code.aload(0);
            code.invokestatic(ClassDesc.of(plan.target().factoryOwner()), plan.target().beginMethod(),
                    MethodTypeDesc.of(CD_void, CD_String.arrayType()), true);
        }
        code.new_(self).dup().invokespecial(self, INIT_NAME, MTD_void).astore(1);
        code.ldc(plan.name());
        code.aload(1);
        code.invokestatic(self, ARGUMENTS, MethodTypeDesc.of(CD_LIST), false);
        code.aload(0);
        code.aload(1);
        code.invokestatic(CD_BOOT, "run",
                MethodTypeDesc.of(CD_int, CD_String, CD_SUPPLIER, CD_LIST, CD_String.arrayType(), CD_ENTRY), true);
        // System.exit, or the platform's exit (a microVM's PID 1 powers off instead)
        ClassDesc exit = ClassDesc.of(plan.target().exitOwner());
        code.invokestatic(exit, plan.target().exitMethod(), MethodTypeDesc.of(CD_void, CD_int), !exit.equals(CD_SYSTEM));
        code.return_();
    }

    /**
     * The runtime arguments, in the plan's order: {@code List.of(RuntimeArg.of(...), ...)}. Its
     * own method so that a harness that boots the entry on another loop (a simulation) parses
     * the boot command line with the same arguments {@code main} does.
     */
    private static void arguments(CodeBuilder code, Plan plan) {
        List<RuntimeArg<?>> args = plan.args();
        code.loadConstant(args.size()).anewarray(CD_Object);
        for (int i = 0; i < args.size(); i++) {
            RuntimeArg<?> a = args.get(i);
            code.dup().loadConstant(i);
            code.ldc(a.name());
            code.getstatic(CD_ARG_TYPE, a.type().name(), CD_ARG_TYPE);
            if (a.defaultText().isPresent()) {
                code.ldc(a.defaultText().get());
            } else {
                code.aconst_null();
            }
            code.ldc(a.doc());
            code.invokestatic(CD_RUNTIME_ARG, "of",
                    MethodTypeDesc.of(CD_RUNTIME_ARG, CD_String, CD_ARG_TYPE, CD_String, CD_String), false);
            code.aastore();
        }
        code.invokestatic(CD_LIST, "of", MethodTypeDesc.of(CD_LIST, CD_Object.arrayType()), true);
        code.areturn();
    }

    /**
     * Evaluates the device graph, each node once in the graph's order into local {@code 1 + id}
     * (local 1 is the context), then constructs the unikernel and calls its {@code start}.
     */
    private static void start(CodeBuilder code, Plan plan) {
        Graph graph = plan.graph();
        for (Graph.Node node : graph.nodes()) {
            evaluate(code, plan, graph, node);
            code.astore(local(node.id()));
        }
        ClassDesc main = ClassDesc.of(plan.mainClass());
        code.new_(main).dup().invokespecial(main, INIT_NAME, MTD_void);
        MethodTypeDesc startType = MethodTypeDesc.ofDescriptor(plan.startDescriptor());
        for (int i = 0; i < graph.start().size(); i++) {
            load(code, graph.node(graph.start().get(i)), startType.parameterType(i));
        }
        code.invokevirtual(main, "start", startType);
        code.return_();
    }

    /** The local variable holding node {@code id}'s value. */
    private static int local(int id) {
        return 1 + id;
    }

    /**
     * Pushes node {@code id}'s value as {@code as}: a runtime argument's boxed value is unboxed
     * for a primitive {@code as}, as configure checked.
     */
    private static void load(CodeBuilder code, Graph.Node node, ClassDesc as) {
        code.aload(local(node.id()));
        if (as.isPrimitive() && node.impl() instanceof Impl.Arg<?> a) {
            ClassDesc boxed = ClassDesc.of(a.arg().type().javaType().getName());
            code.invokevirtual(boxed, as.displayName() + "Value", MethodTypeDesc.of(as));
        }
    }

    /** Pushes the value of {@code node}, its inputs being in their locals already. */
    private static void evaluate(CodeBuilder code, Plan plan, Graph graph, Graph.Node node) {
        switch (node.impl()) {
            case Impl.PlatformValue p -> code.aload(1).invokeinterface(CD_CONTEXT, "platform", MethodTypeDesc.of(CD_PLATFORM));
            case Impl.LoopValue l -> code.aload(1).invokeinterface(CD_CONTEXT, "loop", MethodTypeDesc.of(CD_LOOP));
            case Impl.Arg<?> a -> {
                code.aload(1).invokeinterface(CD_CONTEXT, "arguments", MethodTypeDesc.of(CD_ARGUMENTS));
                code.loadConstant(plan.argIndex(a.arg()));
                code.invokeinterface(CD_ARGUMENTS, "valueAt", MethodTypeDesc.of(CD_Object, CD_int));
                code.checkcast(ClassDesc.of(a.arg().type().javaType().getName()));
            }
            case Impl.Device<?> d -> {
                // platform.device(name).orElseThrow(): bind() already refused to boot without it
                code.aload(1).invokeinterface(CD_CONTEXT, "platform", MethodTypeDesc.of(CD_PLATFORM));
                code.ldc(d.name());
                code.invokeinterface(CD_PLATFORM, "device", MethodTypeDesc.of(CD_OPTIONAL, CD_String));
                code.invokevirtual(CD_OPTIONAL, "orElseThrow", MethodTypeDesc.of(CD_Object));
                code.checkcast(ClassDesc.of(d.type()));
            }
            case Impl.Crunched k -> code.invokestatic(ClassDesc.of(Crunch.className(plan)), Crunch.methodName(k),
                    MethodTypeDesc.of(ClassDesc.of(k.type())), false);
            case Impl.Select<?> sel -> throw new IllegalStateException("configure resolves every select before code generation: " + sel.key());
            case Impl.Call<?> c -> {
                ClassDesc owner = ClassDesc.of(c.owner());
                List<ClassDesc> params = new ArrayList<>();
                for (String p : c.parameters()) {
                    params.add(typeDesc(p));
                }
                int receivers = c.dispatch() == Impl.Dispatch.INSTANCE ? 1 : 0;
                for (int i = 0; i < node.inputs().size(); i++) {
                    Graph.Node input = graph.node(node.inputs().get(i));
                    load(code, input, i < receivers ? owner : params.get(i - receivers));
                }
                MethodTypeDesc type = MethodTypeDesc.of(ClassDesc.of(c.type()), params);
                switch (c.dispatch()) {
                    case STATIC_INTERFACE -> code.invokestatic(owner, c.method(), type, true);
                    case STATIC_CLASS -> code.invokestatic(owner, c.method(), type, false);
                    case INSTANCE -> code.invokeinterface(owner, c.method(), type);
                }
            }
        }
    }

    /** A parameter type as the plan writes it: a binary name, or int, long or boolean. */
    static ClassDesc typeDesc(String name) {
        return switch (name) {
            case "int" -> CD_int;
            case "long" -> java.lang.constant.ConstantDescs.CD_long;
            case "boolean" -> java.lang.constant.ConstantDescs.CD_boolean;
            default -> ClassDesc.of(name);
        };
    }

    /**
     * The unikernel's module descriptor as linked: it requires every module in {@code needed}
     * it did not already, and names the boot class as its main class. Everything else is kept.
     */
    public static byte[] rewriteModuleInfo(byte[] moduleInfo, Plan plan, Set<String> needed) {
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(moduleInfo);
        ModuleAttribute old = model.findAttribute(java.lang.classfile.Attributes.module())
                .orElseThrow(() -> new IllegalArgumentException("not a module-info class"));
        List<ModuleRequireInfo> requires = new ArrayList<>(old.requires());
        SortedSet<String> missing = new java.util.TreeSet<>(needed);
        missing.remove(plan.appModule());
        old.requires().forEach(r -> missing.remove(r.requires().name().stringValue()));
        for (String m : missing) {
            requires.add(ModuleRequireInfo.of(ModuleDesc.of(m), 0, null));
        }
        ModuleAttribute updated = ModuleAttribute.of(old.moduleName(), old.moduleFlagsMask(),
                old.moduleVersion().orElse(null), requires, old.exports(), old.opens(), old.uses(), old.provides());
        ClassTransform transform = (ClassBuilder cb, ClassElement e) -> {
            if (!(e instanceof ModuleAttribute) && !(e instanceof ModuleMainClassAttribute)) {
                cb.with(e);
            }
        };
        return cf.transformClass(model, transform.andThen(ClassTransform.endHandler(cb -> {
            cb.with(updated);
            cb.with(ModuleMainClassAttribute.of(ClassDesc.of(plan.bootClass())));
        })));
    }
}
