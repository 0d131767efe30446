package mirage.link.internal;

import java.io.Serializable;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Unikernel;
import mirage.link.Impl;

/**
 * What a description's method references ({@code Main::start}, {@code GitStore::onBlock}) refer
 * to, read when the description runs (in the link tool, never at boot) from the serialized form
 * the compiler gives a serializable lambda ({@link SerializedLambda}).
 */
public final class MethodReference {
    private MethodReference() {}

    /**
     * The main class whose {@code start} method {@code start} refers to.
     *
     * @throws IllegalArgumentException if it is not a method reference to a public instance
     *     method named {@code start} of a class implementing {@link Unikernel}
     */
    public static Class<? extends Unikernel> startOf(Serializable start) {
        SerializedLambda s = read(start, "Job.start");
        // the receiver's type as the description wrote it: start may be declared by a superclass
        MethodTypeDesc instantiated = MethodTypeDesc.ofDescriptor(s.getInstantiatedMethodType());
        String receiver = instantiated.parameterCount() == 0 || instantiated.parameterType(0).isPrimitive()
                ? "L" + s.getImplClass() + ";" : instantiated.parameterType(0).descriptorString();
        if (s.getImplMethodKind() != MethodHandleInfo.REF_invokeVirtual || !s.getImplMethodName().equals("start")) {
            throw new IllegalArgumentException("Job.start takes the main class's start method, as Main::start, not "
                    + binaryName(receiver) + "::" + s.getImplMethodName());
        }
        Class<?> main = load(binaryName(receiver), start);
        if (!Unikernel.class.isAssignableFrom(main)) {
            throw new IllegalArgumentException("Job.start: " + main.getName() + " does not implement mirage.core.Unikernel");
        }
        return main.asSubclass(Unikernel.class);
    }

    /**
     * The call node for {@code factory} applied to {@code inputs}.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, refers to a constructor, a
     *     class's instance method, a method with array or other primitive parameters, or a
     *     method of a class outside named modules
     */
    public static <R> Impl<R> call(Serializable factory, List<Impl<?>> inputs) {
        SerializedLambda s = read(factory, "Devices.call");
        Class<?> owner = load(dotted(s.getImplClass()), factory);
        String target = owner.getName() + "::" + s.getImplMethodName();
        Impl.Dispatch dispatch = switch (s.getImplMethodKind()) {
            case MethodHandleInfo.REF_invokeStatic -> owner.isInterface() ? Impl.Dispatch.STATIC_INTERFACE : Impl.Dispatch.STATIC_CLASS;
            case MethodHandleInfo.REF_invokeInterface -> Impl.Dispatch.INSTANCE;
            default -> throw new IllegalArgumentException("Devices.call takes a static method or an interface's method, not "
                    + target + " (" + MethodHandleInfo.referenceKindToString(s.getImplMethodKind()) + ")");
        };
        if (!owner.getModule().isNamed()) {
            throw new IllegalArgumentException("Devices.call: " + owner.getName()
                    + " is not in a named module, so the image cannot link it");
        }
        MethodTypeDesc type = MethodTypeDesc.ofDescriptor(s.getImplMethodSignature());
        List<String> parameters = new ArrayList<>();
        for (ClassDesc p : type.parameterList()) {
            parameters.add(typeName(p, target));
        }
        if (type.returnType().isPrimitive()) {
            throw new IllegalArgumentException("Devices.call: " + target + " returns " + type.returnType().displayName()
                    + "; a device is an object");
        }
        return new Impl.Call<>(owner.getModule().getName(), owner.getName(), s.getImplMethodName(),
                typeName(type.returnType(), target), dispatch, parameters, inputs, "");
    }

    private static SerializedLambda read(Serializable reference, String what) {
        Method writeReplace;
        try {
            writeReplace = reference.getClass().getDeclaredMethod("writeReplace");
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(what + " takes a method reference such as Main::start, not an object of "
                    + reference.getClass().getName());
        }
        Object replaced;
        try {
            writeReplace.setAccessible(true);
            replaced = writeReplace.invoke(reference);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            throw new IllegalArgumentException(what + ": cannot read the method reference " + reference + ": " + e, e);
        }
        if (!(replaced instanceof SerializedLambda s)) {
            throw new IllegalArgumentException(what + " takes a method reference such as Main::start, not " + reference);
        }
        if (s.getImplMethodName().startsWith("lambda$")) {
            throw new IllegalArgumentException(what + " takes a method reference such as Main::start, not a lambda");
        }
        return s;
    }

    private static Class<?> load(String name, Object reference) {
        try {
            return Class.forName(name, false, reference.getClass().getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("cannot load " + name + ", which a method reference names: " + e, e);
        }
    }

    private static String typeName(ClassDesc type, String target) {
        if (type.isArray()) {
            throw new IllegalArgumentException(target + " takes or returns an array; a device graph passes objects");
        }
        if (type.isPrimitive()) {
            String name = type.displayName();
            if (!name.equals("int") && !name.equals("long") && !name.equals("boolean")) {
                throw new IllegalArgumentException(target + " takes a " + name
                        + "; only int, long and boolean parameters can be fed (by runtime arguments)");
            }
            return name;
        }
        return binaryName(type.descriptorString());
    }

    /** {@code Lfoo/Bar$Baz;} as {@code foo.Bar$Baz}. */
    private static String binaryName(String descriptor) {
        return dotted(descriptor.substring(1, descriptor.length() - 1));
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }
}
