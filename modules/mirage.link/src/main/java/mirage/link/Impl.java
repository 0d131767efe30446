package mirage.link;

import java.util.List;
import java.util.Objects;
import mirage.core.RuntimeArg;

/**
 * How to obtain one value the unikernel's {@code start} is called with: the device graph's
 * nodes. The boot class the link step generates evaluates them in order, with no reflection.
 * {@link Devices} makes the usual ones.
 */
public sealed interface Impl {

    /** The binary name of the Java type this implementation yields. */
    String type();

    /** The platform itself ({@code mirage.core.spi.Platform}). */
    record PlatformValue() implements Impl {
        @Override
        public String type() {
            return "mirage.core.spi.Platform";
        }
    }

    /** The unikernel's event loop ({@code mirage.core.spi.EventLoop}). */
    record LoopValue() implements Impl {
        @Override
        public String type() {
            return "mirage.core.spi.EventLoop";
        }
    }

    /** The value of a runtime argument, delivered as its type's Java type (or its primitive). */
    record Arg(RuntimeArg<?> arg) implements Impl {
        public Arg {
            Objects.requireNonNull(arg, "arg");
        }

        @Override
        public String type() {
            return arg.type().javaType().getName();
        }
    }

    /**
     * A device of the platform's manifest (Solo5's {@code NET_BASIC} or {@code BLOCK_BASIC}),
     * bound at boot from the command line ({@code --net:NAME=...}) and delivered as {@code type}.
     * Every device a job uses becomes an entry of its manifest; the image refuses to boot
     * until each is bound.
     *
     * @param name the device's name in the manifest and on the command line
     * @param kind its kind
     * @param module the module that holds {@code type}; it is linked into the image
     * @param type binary name of the interface the platform's device implements
     * @throws IllegalArgumentException if {@code name} is not a manifest device name
     */
    record Device(String name, mirage.core.spi.DeviceKind kind, String module, String type) implements Impl {
        public Device {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(type, "type");
            new mirage.core.spi.Manifest.Entry(name, kind); // validates the name
        }
    }

    /**
     * One of several implementations, chosen when the unikernel is configured by a configure
     * key (MirageOS's configure-time keys, as in {@code mirage configure --net=host}): given
     * as {@code --KEY=VALUE} to {@code mirage configure}, {@code build} or {@code run}'s build,
     * remembered for later builds, {@code defaultChoice} when never given. The image holds only
     * the chosen implementation and its modules and devices.
     *
     * @param key the key's name: 1-30 characters of a-z, 0-9 and '-', starting with a letter
     * @param defaultChoice the choice when the key is not given; one of {@code choices}
     * @param choices each value of the key and what it selects, in the order shown to users
     * @throws IllegalArgumentException if the key is malformed, there are no choices, a value is
     *     not 1-30 characters of a-z, 0-9 and '-', or the default is not a choice
     */
    record Select(String key, String defaultChoice, java.util.SequencedMap<String, Impl> choices) implements Impl {
        public Select {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(defaultChoice, "defaultChoice");
            if (!key.matches("[a-z][a-z0-9-]{0,29}")) {
                throw new IllegalArgumentException("configure key '" + key + "' must be 1-30 characters of a-z, 0-9 and '-', starting with a letter");
            }
            java.util.LinkedHashMap<String, Impl> copy = new java.util.LinkedHashMap<>();
            for (var e : choices.entrySet()) {
                if (!e.getKey().matches("[a-z0-9][a-z0-9-]{0,29}")) {
                    throw new IllegalArgumentException("value '" + e.getKey() + "' of configure key " + key
                            + " must be 1-30 characters of a-z, 0-9 and '-'");
                }
                copy.put(e.getKey(), Objects.requireNonNull(e.getValue(), "choice " + e.getKey()));
            }
            if (copy.isEmpty() || !copy.containsKey(defaultChoice)) {
                throw new IllegalArgumentException("configure key " + key + ": the default '" + defaultChoice
                        + "' must be one of its choices " + copy.keySet());
            }
            choices = java.util.Collections.unmodifiableSequencedMap(copy);
        }

        /** The type of the default choice; every choice must fit where the select is used. */
        @Override
        public String type() {
            return choices.get(defaultChoice).type();
        }
    }

    /**
     * The result of calling a method: a static method of {@code owner}, or, for {@link
     * Dispatch#INSTANCE}, an instance method of {@code owner} on the first input.
     *
     * @param module the module that holds {@code owner}; it is linked into the image
     * @param owner binary name of the class or interface declaring the method
     * @param method the method's name
     * @param type binary name of the method's declared return type
     * @param dispatch how the method is invoked
     * @param inputs the receiver (for {@code INSTANCE}) and the arguments, whose {@link #type()}s
     *     are the method's declared parameter types
     */
    record Call(String module, String owner, String method, String type, Dispatch dispatch, List<Impl> inputs)
            implements Impl {
        public Call {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(dispatch, "dispatch");
            inputs = List.copyOf(inputs);
            if (dispatch == Dispatch.INSTANCE && inputs.isEmpty()) {
                throw new IllegalArgumentException("an instance call of " + owner + "." + method + " needs a receiver");
            }
        }
    }

    /** How a {@link Call} invokes its method. */
    enum Dispatch {
        /** A static method of an interface. */
        STATIC_INTERFACE,
        /** A static method of a class. */
        STATIC_CLASS,
        /** An abstract or default method of an interface, on the first input. */
        INSTANCE
    }
}
