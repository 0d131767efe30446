package mirage.link.internal;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_byte;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mirage.core.internal.files.FileTree;
import mirage.link.Impl;

/**
 * Packs the read-only stores of {@link Impl.Crunched} into the image (MirageOS's {@code crunch}):
 * a class {@code MirageCrunched} next to the boot class, with one static method per store
 * returning {@code KvRo.of(values, lastModified)}, each value's bytes held as string constants
 * (ISO-8859-1: one char a byte, split so that each constant's modified UTF-8 fits the class
 * file's 65,535 bytes) and one method per file, so that no method nears the 64 KiB code limit.
 * Nothing is read from the host at boot: the bytes come out of the class's constant pool,
 * which the JVM reads from the image's {@code modules} file it already has open.
 *
 * <p>Deterministic: the same files (names, bytes, newest modification time) give the same class.
 */
final class Crunch {
    private static final ClassDesc CD_KEY = ClassDesc.of("mirage.kv.Key");
    private static final ClassDesc CD_KVRO = ClassDesc.of("mirage.kv.KvRo");
    private static final ClassDesc CD_MAP = ClassDesc.of("java.util.Map");
    private static final ClassDesc CD_LINKED_MAP = ClassDesc.of("java.util.LinkedHashMap");
    private static final ClassDesc CD_INSTANT = ClassDesc.of("java.time.Instant");
    private static final ClassDesc CD_CHARSET = ClassDesc.of("java.nio.charset.Charset");
    private static final ClassDesc CD_CHARSETS = ClassDesc.of("java.nio.charset.StandardCharsets");
    private static final ClassDesc CD_SYSTEM = ClassDesc.of("java.lang.System");
    /** Most bytes of one string constant's modified UTF-8 form. */
    static final int MAX_CONSTANT = 65_535;
    /** The limits of one packed store: {@link Impl.Crunched#MAX_BYTES}, {@link Impl.Crunched#MAX_FILES}. */
    static final FileTree.Limits LIMITS = new FileTree.Limits(Impl.Crunched.MAX_BYTES, Impl.Crunched.MAX_BYTES,
            Impl.Crunched.MAX_FILES);

    private Crunch() {}

    /** Binary name of the generated class: {@code MirageCrunched} beside the boot class. */
    static String className(Plan plan) {
        String boot = plan.bootClass();
        return boot.substring(0, boot.lastIndexOf('.') + 1) + "MirageCrunched";
    }

    /** The generated method that makes {@code store}. */
    static String methodName(Impl.Crunched store) {
        return "store_" + store.name();
    }

    /** The packed stores of a job, each once, in evaluation order. */
    static List<Impl.Crunched> stores(List<Impl<?>> start) {
        List<Impl.Crunched> out = new ArrayList<>();
        for (Graph.Node n : Graph.of(start).nodes()) {
            if (n.impl() instanceof Impl.Crunched k) {
                out.add(k);
            }
        }
        return out;
    }

    /** The stores as the link reports them, e.g. {@code certs from tls/}. */
    static String describe(Plan plan) {
        List<String> parts = new ArrayList<>();
        for (Impl.Crunched k : stores(plan.start())) {
            parts.add(k.name() + " from " + k.directory() + "/");
        }
        return String.join(", ", parts);
    }

    /**
     * Reads every packed store of {@code start} as the link would, to fail at configure.
     *
     * @throws LinkException if two stores share a name or a directory cannot be packed
     */
    static void check(Path dir, List<Impl<?>> start) throws LinkException {
        List<String> names = new ArrayList<>();
        for (Impl.Crunched k : stores(start)) {
            if (names.contains(k.name())) {
                throw new LinkException(Configure.DESCRIPTION + ": two packed stores are named " + k.name());
            }
            names.add(k.name());
            read(dir, k);
        }
    }

    private static FileTree.Tree read(Path dir, Impl.Crunched k) throws LinkException {
        try {
            return FileTree.read(dir.resolve(k.directory()), LIMITS);
        } catch (FileTree.RefusedException e) {
            throw new LinkException("cannot pack store " + k.name() + " from " + k.directory() + "/: " + e.getMessage(), e);
        }
    }

    /**
     * The class holding the plan's packed stores, read from under {@code dir}; empty when the
     * plan has none.
     *
     * @throws LinkException if a directory cannot be packed
     */
    static Optional<byte[]> generate(Plan plan, Path dir) throws LinkException {
        List<Impl.Crunched> stores = stores(plan.start());
        if (stores.isEmpty()) {
            return Optional.empty();
        }
        List<FileTree.Tree> trees = new ArrayList<>();
        for (Impl.Crunched k : stores) {
            trees.add(read(dir, k));
        }
        ClassDesc self = ClassDesc.of(className(plan));
        return Optional.of(ClassFile.of().build(self, cb -> {
            cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER);
            cb.withSuperclass(CD_Object);
            cb.withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PRIVATE, code -> code
                    .aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_());
            for (int s = 0; s < stores.size(); s++) {
                FileTree.Tree tree = trees.get(s);
                List<Map.Entry<List<String>, byte[]>> files = new ArrayList<>(tree.files().entrySet());
                String prefix = "bytes" + s + "_";
                cb.withMethodBody(methodName(stores.get(s)), MethodTypeDesc.of(CD_KVRO),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> store(code, self, prefix, files,
                                tree.newest().getEpochSecond()));
                for (int f = 0; f < files.size(); f++) {
                    byte[] bytes = files.get(f).getValue();
                    cb.withMethodBody(prefix + f, MethodTypeDesc.of(CD_byte.arrayType()),
                            ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC, code -> value(code, bytes));
                }
            }
        }));
    }

    /** {@code Map m = new LinkedHashMap(); m.put(Key.parse(path), bytesS_F()); ... return KvRo.of(m, Instant.ofEpochSecond(t));} */
    private static void store(CodeBuilder code, ClassDesc self, String prefix, List<Map.Entry<List<String>, byte[]>> files,
            long newest) {
        code.new_(CD_LINKED_MAP).dup().invokespecial(CD_LINKED_MAP, INIT_NAME, MTD_void).astore(0);
        for (int f = 0; f < files.size(); f++) {
            code.aload(0);
            code.ldc(String.join("/", files.get(f).getKey()));
            code.invokestatic(CD_KEY, "parse", MethodTypeDesc.of(CD_KEY, CD_String), false);
            code.invokestatic(self, prefix + f, MethodTypeDesc.of(CD_byte.arrayType()), false);
            code.invokeinterface(CD_MAP, "put", MethodTypeDesc.of(CD_Object, CD_Object, CD_Object));
            code.pop();
        }
        code.aload(0);
        code.ldc(newest);
        code.invokestatic(CD_INSTANT, "ofEpochSecond", MethodTypeDesc.of(CD_INSTANT, CD_long), false);
        code.invokestatic(CD_KVRO, "of", MethodTypeDesc.of(CD_KVRO, CD_MAP, CD_INSTANT), true);
        code.areturn();
    }

    /** Pushes a new array of {@code bytes} and returns it, from string constants. */
    private static void value(CodeBuilder code, byte[] bytes) {
        List<int[]> chunks = chunks(bytes);
        if (chunks.size() == 1) {
            latin1(code, bytes, chunks.get(0));
            code.areturn();
            return;
        }
        code.loadConstant(bytes.length).newarray(TypeKind.BYTE).astore(0);
        for (int[] c : chunks) {
            latin1(code, bytes, c); // System.arraycopy(constant.getBytes(ISO_8859_1), 0, a, from, length)
            code.iconst_0().aload(0).loadConstant(c[0]).loadConstant(c[1]);
            code.invokestatic(CD_SYSTEM, "arraycopy", MethodTypeDesc.of(CD_void, CD_Object, CD_int, CD_Object, CD_int, CD_int),
                    false);
        }
        code.aload(0).areturn();
    }

    /** Pushes {@code constant.getBytes(ISO_8859_1)} for the chunk {@code {from, length}}. */
    private static void latin1(CodeBuilder code, byte[] bytes, int[] chunk) {
        code.ldc(new String(bytes, chunk[0], chunk[1], StandardCharsets.ISO_8859_1));
        code.getstatic(CD_CHARSETS, "ISO_8859_1", CD_CHARSET);
        code.invokevirtual(CD_String, "getBytes", MethodTypeDesc.of(CD_byte.arrayType(), CD_CHARSET));
    }

    /**
     * {@code bytes} as {@code {from, length}} ranges whose ISO-8859-1 strings each take at most
     * {@link #MAX_CONSTANT} bytes of modified UTF-8 (NUL and 0x80-0xFF take two); one empty
     * range for no bytes.
     */
    static List<int[]> chunks(byte[] bytes) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        int size = 0;
        for (int i = 0; i < bytes.length; i++) {
            int cost = bytes[i] == 0 || bytes[i] < 0 ? 2 : 1;
            if (size + cost > MAX_CONSTANT) {
                out.add(new int[] {from, i - from});
                from = i;
                size = 0;
            }
            size += cost;
        }
        out.add(new int[] {from, bytes.length - from});
        return out;
    }
}
