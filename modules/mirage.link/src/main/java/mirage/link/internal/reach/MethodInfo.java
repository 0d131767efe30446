package mirage.link.internal.reach;

import java.lang.classfile.ClassFile;
import java.util.List;

/**
 * One method and what its code refers to.
 *
 * @param name the method's name
 * @param desc its descriptor
 * @param flags its access flags
 * @param refs invocations, field accesses and instantiations, in code order
 * @param types classes its code names for type checks, arrays and exception handlers
 * @param strings its string constants ({@code ldc})
 * @param constants its other loadable constants, and its {@code invokedynamic} call sites
 * @param signature {@code name + desc}, the key a class's methods are found by
 */
record MethodInfo(String name, String desc, int flags, List<Ref> refs, List<String> types, List<String> strings,
        List<Constant> constants, String signature) {

    MethodInfo(String name, String desc, int flags, List<Ref> refs, List<String> types, List<String> strings,
            List<Constant> constants) {
        this(name, desc, flags, refs, types, strings, constants, name + desc);
    }

    boolean isStatic() {
        return (flags & ClassFile.ACC_STATIC) != 0;
    }

    boolean isAbstract() {
        return (flags & ClassFile.ACC_ABSTRACT) != 0;
    }

    boolean isPrivate() {
        return (flags & ClassFile.ACC_PRIVATE) != 0;
    }
}
