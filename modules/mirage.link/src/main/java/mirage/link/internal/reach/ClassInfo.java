package mirage.link.internal.reach;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.EnclosingMethodAttribute;
import java.lang.classfile.attribute.InnerClassInfo;
import java.lang.classfile.attribute.InnerClassesAttribute;
import java.lang.classfile.attribute.NestHostAttribute;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.ConstantDynamicEntry;
import java.lang.classfile.constantpool.LoadableConstantEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.NameAndTypeEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.classfile.Opcode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One class as the reachability analysis sees it: its place in the type hierarchy, its
 * methods with what each one's code refers to, and the names the JVM may resolve when the
 * class is loaded, verified or reflected upon. Names are internal names ({@code a/b/C}).
 *
 * <p>Parsed on first use, from the bytes it was made with: an analysis parses only the classes
 * it reaches. Not thread-safe.
 */
public final class ClassInfo {
    private static final ClassFile PARSER = ClassFile.of(ClassFile.DebugElementsOption.DROP_DEBUG,
            ClassFile.LineNumbersOption.DROP_LINE_NUMBERS, ClassFile.StackMapsOption.DROP_STACK_MAPS);

    private final String name;
    private final String module;
    private byte[] bytes;
    private int flags;
    private String superName;
    private List<String> interfaces;
    private Map<String, MethodInfo> methods;
    private Set<String> memberTypes;
    private Set<String> poolClasses;
    private Set<String> hosts;

    private ClassInfo(String name, String module, byte[] bytes) {
        this.name = name;
        this.module = module;
        this.bytes = bytes;
    }

    /**
     * A class of {@code module} from its class file; parsed when first asked for more than its
     * name and module.
     *
     * @param name its internal name, as its file's path says ({@code a/b/C} for {@code a/b/C.class})
     */
    public static ClassInfo of(String module, String name, byte[] bytes) {
        return new ClassInfo(name, module, bytes);
    }

    /** The internal name. */
    public String name() {
        return name;
    }

    /** The module the class belongs to. */
    public String module() {
        return module;
    }

    int flags() {
        parse();
        return flags;
    }

    String superName() {
        parse();
        return superName;
    }

    List<String> interfaces() {
        parse();
        return interfaces;
    }

    /** Methods by {@code name + descriptor}. */
    Map<String, MethodInfo> methods() {
        parse();
        return methods;
    }

    /** Class names in the descriptors of its fields and methods (reflection resolves them). */
    Set<String> memberTypes() {
        parse();
        return memberTypes;
    }

    /** Every class name its constant pool mentions (the verifier may load any of them). */
    public Set<String> poolClasses() {
        parse();
        return poolClasses;
    }

    /**
     * Every class the class names: in its constant pool, its members' descriptors, as its
     * enclosing class or nest host. A module that holds it must read the modules of all of them
     * for the JVM to link it.
     */
    public Set<String> namedClasses() {
        Set<String> all = new LinkedHashSet<>(poolClasses());
        all.addAll(memberTypes());
        all.addAll(hosts());
        return all;
    }

    /**
     * The services its code loads by constant ({@code ServiceLoader.load(S.class...)}: a class
     * constant in a method that calls {@code ServiceLoader.load} or {@code loadInstalled}), as
     * binary names.
     */
    public Set<String> loadedServices() {
        Set<String> out = new java.util.TreeSet<>();
        for (MethodInfo m : methods().values()) {
            boolean loads = false;
            for (Ref r : m.refs()) {
                loads |= r.owner().equals("java/util/ServiceLoader")
                        && (r.name().equals("load") || r.name().equals("loadInstalled"));
            }
            if (loads) {
                for (Constant c : m.constants()) {
                    if (c instanceof Constant.Type t && !t.name().startsWith("[")) {
                        out.add(t.name().replace('/', '.'));
                    }
                }
            }
        }
        return out;
    }

    /** The enclosing class, nest host and outer class it names, which reflection loads. */
    Set<String> hosts() {
        parse();
        return hosts;
    }

    boolean isInterface() {
        return (flags() & ClassFile.ACC_INTERFACE) != 0;
    }

    boolean isAbstract() {
        return (flags() & ClassFile.ACC_ABSTRACT) != 0;
    }

    boolean isEnum() {
        return (flags() & ClassFile.ACC_ENUM) != 0;
    }

    /** A class that exists only at run time (a lambda's), with no methods of its own. */
    static ClassInfo synthetic(String name, List<String> interfaces) {
        ClassInfo c = new ClassInfo(name, "", null);
        c.flags = ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC;
        c.superName = "java/lang/Object";
        c.interfaces = List.copyOf(interfaces);
        c.methods = Map.of();
        c.memberTypes = Set.of();
        c.poolClasses = Set.of();
        c.hosts = Set.of();
        return c;
    }

    /**
     * Parses the class file, once.
     *
     * @throws IllegalArgumentException if the bytes are not a class file the JDK can read, or
     *     not the class its name says
     */
    private void parse() {
        if (bytes == null) {
            return;
        }
        ClassModel model = PARSER.parse(bytes);
        if (!model.thisClass().asInternalName().equals(name)) {
            throw new IllegalArgumentException("the class file of " + name + " is class "
                    + model.thisClass().asInternalName());
        }
        superName = model.superclass().map(ClassEntry::asInternalName).orElse(null);
        List<String> ifaces = new ArrayList<>(model.interfaces().size());
        for (ClassEntry e : model.interfaces()) {
            ifaces.add(e.asInternalName());
        }
        interfaces = List.copyOf(ifaces);
        Set<String> types = new LinkedHashSet<>();
        for (FieldModel f : model.fields()) {
            Descriptors.classesOf(f.fieldType().stringValue(), types);
        }
        Map<String, MethodInfo> ms = new LinkedHashMap<>();
        for (MethodModel m : model.methods()) {
            String mname = m.methodName().stringValue();
            String desc = m.methodType().stringValue();
            Descriptors.classesOf(desc, types);
            ms.put(mname + desc, method(mname, desc, m));
        }
        Set<String> pool = new LinkedHashSet<>();
        for (PoolEntry e : model.constantPool()) {
            switch (e) {
                case ClassEntry c -> Descriptors.classOfName(c.asInternalName(), pool);
                case NameAndTypeEntry nt -> Descriptors.classesOf(nt.type().stringValue(), pool);
                case MethodTypeEntry mt -> Descriptors.classesOf(mt.descriptor().stringValue(), pool);
                default -> { }
            }
        }
        // Classes the pool names only for NestMembers, PermittedSubclasses and InnerClasses are
        // checked by name, never loaded, while the class is linked: they are not the verifier's.
        Set<String> listedOnly = new LinkedHashSet<>();
        model.findAttribute(Attributes.nestMembers())
                .ifPresent(a -> a.nestMembers().forEach(c -> listedOnly.add(c.asInternalName())));
        model.findAttribute(Attributes.permittedSubclasses())
                .ifPresent(a -> a.permittedSubclasses().forEach(c -> listedOnly.add(c.asInternalName())));
        model.findAttribute(Attributes.innerClasses()).ifPresent(a -> a.classes().forEach(i -> {
            listedOnly.add(i.innerClass().asInternalName());
            i.outerClass().ifPresent(o -> listedOnly.add(o.asInternalName()));
        }));
        if (!listedOnly.isEmpty()) {
            listedOnly.removeAll(namedInCode(model, name, superName, ifaces, types, ms.values()));
            pool.removeAll(listedOnly);
        }
        Set<String> hs = new LinkedHashSet<>();
        model.findAttribute(Attributes.innerClasses()).ifPresent(ic -> outerOf(name, ic, hs));
        model.findAttribute(Attributes.enclosingMethod()).map(EnclosingMethodAttribute::enclosingClass)
                .ifPresent(c -> hs.add(c.asInternalName()));
        model.findAttribute(Attributes.nestHost()).map(NestHostAttribute::nestHost)
                .ifPresent(c -> hs.add(c.asInternalName()));
        flags = model.flags().flagsMask();
        methods = ms;
        memberTypes = types;
        poolClasses = pool;
        hosts = hs;
        bytes = null;
    }

    /** The classes the class names other than in its NestMembers, PermittedSubclasses and InnerClasses. */
    private static Set<String> namedInCode(ClassModel model, String self, String superName, List<String> interfaces,
            Set<String> memberTypes, Collection<MethodInfo> methods) {
        Set<String> named = new HashSet<>(memberTypes);
        named.add(self);
        if (superName != null) {
            named.add(superName);
        }
        named.addAll(interfaces);
        for (PoolEntry e : model.constantPool()) {
            switch (e) {
                case NameAndTypeEntry nt -> Descriptors.classesOf(nt.type().stringValue(), named);
                case MethodTypeEntry mt -> Descriptors.classesOf(mt.descriptor().stringValue(), named);
                case MemberRefEntry ref -> Descriptors.classOfName(ref.owner().asInternalName(), named);
                default -> { }
            }
        }
        for (MethodInfo m : methods) {
            named.addAll(m.types());
            for (Ref r : m.refs()) {
                Descriptors.classOfName(r.owner(), named);
            }
            for (Constant c : m.constants()) {
                constantClasses(c, named);
            }
        }
        for (MethodModel m : model.methods()) {
            m.code().flatMap(code -> code.findAttribute(Attributes.stackMapTable())).ifPresent(smt -> {
                for (StackMapFrameInfo frame : smt.entries()) {
                    for (StackMapFrameInfo.VerificationTypeInfo t : frame.locals()) {
                        if (t instanceof StackMapFrameInfo.ObjectVerificationTypeInfo o) {
                            Descriptors.classOfName(o.className().asInternalName(), named);
                        }
                    }
                    for (StackMapFrameInfo.VerificationTypeInfo t : frame.stack()) {
                        if (t instanceof StackMapFrameInfo.ObjectVerificationTypeInfo o) {
                            Descriptors.classOfName(o.className().asInternalName(), named);
                        }
                    }
                }
            });
        }
        model.findAttribute(Attributes.enclosingMethod()).ifPresent(a -> named.add(a.enclosingClass().asInternalName()));
        model.findAttribute(Attributes.nestHost()).ifPresent(a -> named.add(a.nestHost().asInternalName()));
        return named;
    }

    private static void constantClasses(Constant c, Set<String> into) {
        switch (c) {
            case Constant.Type t -> Descriptors.classOfName(t.name(), into);
            case Constant.Descriptor d -> Descriptors.classesOf(d.desc(), into);
            case Constant.Handle h -> Descriptors.classOfName(h.ref().owner(), into);
            case Constant.Dynamic d -> {
                Descriptors.classOfName(d.bootstrap().owner(), into);
                for (Constant a : d.args()) {
                    constantClasses(a, into);
                }
            }
            case Constant.Text t -> { }
        }
    }

    private static void outerOf(String self, InnerClassesAttribute ic, Set<String> into) {
        for (InnerClassInfo info : ic.classes()) {
            if (info.innerClass().asInternalName().equals(self)) {
                info.outerClass().ifPresent(o -> into.add(o.asInternalName()));
            }
        }
    }

    private static MethodInfo method(String name, String desc, MethodModel m) {
        int flags = m.flags().flagsMask();
        CodeModel code = m.code().orElse(null);
        if (code == null) {
            return new MethodInfo(name, desc, flags, List.of(), List.of(), List.of(), List.of());
        }
        List<Ref> refs = new ArrayList<>();
        Set<String> types = new LinkedHashSet<>();
        List<String> strings = new ArrayList<>();
        List<Constant> constants = new ArrayList<>();
        for (CodeElement e : code) {
            switch (e) {
                case InvokeInstruction i -> refs.add(new Ref(kindOf(i.opcode()), owner(i.method()),
                        i.name().stringValue(), i.type().stringValue()));
                case FieldInstruction f -> {
                    Ref.Kind kind = switch (f.opcode()) {
                        case GETSTATIC, PUTSTATIC -> Ref.Kind.STATIC_FIELD;
                        default -> Ref.Kind.FIELD;
                    };
                    refs.add(new Ref(kind, owner(f.field()), f.name().stringValue(), f.type().stringValue()));
                }
                case NewObjectInstruction n -> refs.add(new Ref(Ref.Kind.NEW, n.className().asInternalName(), "", ""));
                case TypeCheckInstruction t -> Descriptors.classOfName(t.type().asInternalName(), types);
                case NewReferenceArrayInstruction a -> Descriptors.classOfName(a.componentType().asInternalName(), types);
                case NewMultiArrayInstruction a -> Descriptors.classOfName(a.arrayType().asInternalName(), types);
                case ExceptionCatch c -> c.catchType().ifPresent(t -> types.add(t.asInternalName()));
                case ConstantInstruction.LoadConstantInstruction ldc -> {
                    Constant c = constant(ldc.constantEntry());
                    if (c instanceof Constant.Text(String s)) {
                        strings.add(s);
                    } else if (c != null) {
                        constants.add(c);
                    }
                }
                case InvokeDynamicInstruction indy -> constants.add(new Constant.Dynamic(true,
                        handle(indy.invokedynamic().bootstrap().bootstrapMethod()), indy.name().stringValue(),
                        indy.type().stringValue(), arguments(indy.invokedynamic().bootstrap().arguments())));
                default -> { }
            }
        }
        return new MethodInfo(name, desc, flags, refs, List.copyOf(types), strings, constants);
    }

    private static String owner(MemberRefEntry ref) {
        return ref.owner().asInternalName();
    }

    private static Ref.Kind kindOf(Opcode op) {
        return switch (op) {
            case INVOKESTATIC -> Ref.Kind.STATIC;
            case INVOKESPECIAL -> Ref.Kind.SPECIAL;
            default -> Ref.Kind.VIRTUAL;
        };
    }

    private static List<Constant> arguments(List<LoadableConstantEntry> entries) {
        List<Constant> out = new ArrayList<>(entries.size());
        for (LoadableConstantEntry e : entries) {
            Constant c = constant(e);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    private static Constant constant(LoadableConstantEntry e) {
        return switch (e) {
            case StringEntry s -> new Constant.Text(s.stringValue());
            case ClassEntry c -> new Constant.Type(c.asInternalName());
            case MethodTypeEntry mt -> new Constant.Descriptor(mt.descriptor().stringValue());
            case MethodHandleEntry mh -> new Constant.Handle(handle(mh));
            case ConstantDynamicEntry cd -> new Constant.Dynamic(false, handle(cd.bootstrap().bootstrapMethod()),
                    cd.name().stringValue(), cd.type().stringValue(), arguments(cd.bootstrap().arguments()));
            default -> null;
        };
    }

    private static Ref handle(MethodHandleEntry mh) {
        MemberRefEntry ref = mh.reference();
        Ref.Kind kind = switch (mh.kind()) {
            case 1, 2, 3, 4 -> mh.kind() == 2 || mh.kind() == 4 ? Ref.Kind.STATIC_FIELD : Ref.Kind.FIELD;
            case 5, 9 -> Ref.Kind.VIRTUAL;
            case 6 -> Ref.Kind.STATIC;
            case 7 -> Ref.Kind.SPECIAL;
            case 8 -> Ref.Kind.NEW_SPECIAL;
            default -> throw new IllegalArgumentException("method handle kind " + mh.kind());
        };
        return new Ref(kind, owner(ref), ref.name().stringValue(), ref.type().stringValue());
    }
}
