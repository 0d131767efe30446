package mirage.link.internal.reach;

/**
 * A symbolic reference from code or from a constant: a method, a field or a class to
 * instantiate.
 *
 * @param kind how it is used
 * @param owner the class named as its owner (internal name, or an array descriptor)
 * @param name the member's name ({@code ""} for {@link Kind#NEW})
 * @param desc the member's descriptor ({@code ""} for {@link Kind#NEW})
 * @param signature {@code name + desc}, the key a class's methods are found by
 */
record Ref(Kind kind, String owner, String name, String desc, String signature) {
    Ref(Kind kind, String owner, String name, String desc) {
        this(kind, owner, name, desc, name + desc);
    }

    enum Kind {
        /** {@code invokestatic}, or a {@code REF_invokeStatic} handle. */
        STATIC,
        /** {@code invokespecial}: a constructor, a private method or a super call. */
        SPECIAL,
        /** A {@code REF_newInvokeSpecial} handle: instantiates and runs a constructor. */
        NEW_SPECIAL,
        /** {@code invokevirtual} or {@code invokeinterface}, or such a handle: dispatched. */
        VIRTUAL,
        /** {@code getstatic}/{@code putstatic}: initializes the owner. */
        STATIC_FIELD,
        /** {@code getfield}/{@code putfield}. */
        FIELD,
        /** {@code new}. */
        NEW
    }
}
