package mirage.link.internal.reach;

import java.util.List;

/** A loadable constant, or a dynamic call site or constant with its bootstrap arguments. */
sealed interface Constant {
    /** A string. */
    record Text(String value) implements Constant {}

    /** A class ({@code ldc C.class}); internal name or array descriptor. */
    record Type(String name) implements Constant {}

    /** A method type. */
    record Descriptor(String desc) implements Constant {}

    /** A method handle. */
    record Handle(Ref ref) implements Constant {}

    /**
     * An {@code invokedynamic} call site ({@code callSite}) or a dynamic constant.
     *
     * @param desc the call site's method descriptor, or the constant's field descriptor
     */
    record Dynamic(boolean callSite, Ref bootstrap, String name, String desc, List<Constant> args)
            implements Constant {}
}
