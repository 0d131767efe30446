package mirage.link;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.Set;
import mirage.core.RuntimeArg;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Platform;

/**
 * How to obtain one value of type {@code T}: a node of the unikernel's device graph. The boot
 * class the link step generates evaluates the graph with no reflection. {@link Devices} makes
 * the usual nodes; {@link Job} checks, through {@code T}, that each fits its {@code start}
 * parameter.
 *
 * <p><b>Identity.</b> Nodes are values: two equal nodes (same implementation, same inputs,
 * recursively; records compare so) are one device, evaluated once at boot and passed to
 * everyone who uses it, as MirageOS keys its devices by their structure. A description that
 * wants two separate instances of equal structure (two in-memory stores, say) tells them apart
 * with {@link Devices#instance(String, Impl)}.
 *
 * <p>{@code T} is a phantom type: nodes carry the binary name of their type ({@link #type()}),
 * since the link tool runs without the libraries the types come from; configure checks that
 * the names and the methods exist.
 *
 * @param <T> the Java type of the value
 */
public sealed interface Impl<T> {

    /** The binary name of the Java type this implementation yields. */
    String type();

    /** The platform itself ({@code mirage.core.spi.Platform}). */
    record PlatformValue() implements Impl<Platform> {
        @Override
        public String type() {
            return "mirage.core.spi.Platform";
        }
    }

    /** The unikernel's event loop ({@code mirage.core.spi.EventLoop}). */
    record LoopValue() implements Impl<EventLoop> {
        @Override
        public String type() {
            return "mirage.core.spi.EventLoop";
        }
    }

    /**
     * The value of a runtime argument, delivered as its type's Java type, or unboxed where a
     * parameter is an {@code int}, {@code long} or {@code boolean}.
     */
    record Arg<T>(RuntimeArg<T> arg) implements Impl<T> {
        public Arg {
            Objects.requireNonNull(arg, "arg");
        }

        @Override
        public String type() {
            return arg.type().javaType().getName();
        }
    }

    /**
     * A device of the platform's manifest (Solo5's {@code NET_BASIC} or {@code BLOCK_BASIC}, or
     * this project's {@code KV_RO}),
     * bound at boot from the command line ({@code --net:NAME=...}) and delivered as {@code type}.
     * Every device a job uses becomes an entry of its manifest; the image refuses to boot
     * until each is bound. Two devices of one name are one device.
     *
     * <p>The constructor throws {@code IllegalArgumentException} if {@code name} is not a
     * manifest device name.
     *
     * @param name the device's name in the manifest and on the command line
     * @param kind its kind
     * @param module the module that holds {@code type}; it is linked into the image
     * @param type binary name of the interface the platform's device implements
     */
    record Device<T>(String name, mirage.core.spi.DeviceKind kind, String module, String type) implements Impl<T> {
        public Device {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(type, "type");
            new mirage.core.spi.Manifest.Entry(name, kind); // validates the name
        }
    }

    /**
     * A read-only key-value store packed into the image at link time (MirageOS's {@code crunch}):
     * the regular files under {@code directory}, a path relative to the unikernel's directory,
     * read when the image is linked (links followed only within it; at most
     * {@value #MAX_BYTES} bytes in all and {@value #MAX_FILES} files) and served from memory
     * as {@code mirage.kv.KvRo}. No host file is read at boot. Not a manifest device: nothing is
     * bound on the command line. Made with {@link Devices#kvRoCrunched(String, String)}.
     *
     * <p>The constructor throws {@code IllegalArgumentException} if {@code name} is not a
     * manifest device name or {@code directory} is empty, absolute or has a {@code ..} name.
     *
     * @param name the store's name: the link tool's generated method, in messages and the plan
     * @param directory the directory packed, relative to the unikernel's directory, '/'-separated
     */
    record Crunched(String name, String directory) implements Impl<mirage.kv.KvRo> {
        /** The most bytes of all files of one packed store. */
        public static final int MAX_BYTES = 16 << 20;
        /** The most files and directories of one packed store. */
        public static final int MAX_FILES = 2048;

        public Crunched {
            new mirage.core.spi.Manifest.Entry(name, mirage.core.spi.DeviceKind.KV_RO); // validates the name
            Objects.requireNonNull(directory, "directory");
            if (directory.isEmpty() || directory.startsWith("/") || directory.contains("\\")
                    || java.util.Arrays.asList(directory.split("/")).contains("..")) {
                throw new IllegalArgumentException("packed store " + name + ": directory '" + directory
                        + "' must be a relative path below the unikernel's directory, '/'-separated, without '..'");
            }
        }

        @Override
        public String type() {
            return "mirage.kv.KvRo";
        }
    }

    /**
     * One of several implementations, chosen when the unikernel is configured by a configure
     * key (MirageOS's configure-time keys, as in {@code mirage configure --net=host}): given
     * as {@code --KEY=VALUE} to {@code mirage configure}, {@code build} or {@code run}'s build,
     * remembered for later builds, {@code defaultChoice} when never given. The image holds only
     * the chosen implementation and its modules and devices. Made with {@link
     * Devices#select(String, String, Impl)} and {@link #or(String, Impl)}.
     *
     * <p>The constructor throws {@code IllegalArgumentException} if the key is malformed, there
     * are no choices, a value is not 1-30 characters of a-z, 0-9 and '-', or the default is not
     * a choice.
     *
     * @param key the key's name: 1-30 characters of a-z, 0-9 and '-', starting with a letter
     * @param defaultChoice the choice when the key is not given; one of {@code choices}
     * @param choices each value of the key and what it selects, in the order shown to users
     */
    record Select<T>(String key, String defaultChoice, SequencedMap<String, Impl<? extends T>> choices)
            implements Impl<T> {
        public Select {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(defaultChoice, "defaultChoice");
            if (!key.matches("[a-z][a-z0-9-]{0,29}")) {
                throw new IllegalArgumentException("configure key '" + key + "' must be 1-30 characters of a-z, 0-9 and '-', starting with a letter");
            }
            LinkedHashMap<String, Impl<? extends T>> copy = new LinkedHashMap<>();
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
            choices = Collections.unmodifiableSequencedMap(copy);
        }

        /**
         * This select with one more choice.
         *
         * @throws IllegalArgumentException if {@code value} is malformed or already a choice
         */
        public Select<T> or(String value, Impl<? extends T> impl) {
            if (choices.containsKey(value)) {
                throw new IllegalArgumentException("configure key " + key + " already has the value '" + value + "'");
            }
            LinkedHashMap<String, Impl<? extends T>> more = new LinkedHashMap<>(choices);
            more.put(value, Objects.requireNonNull(impl, "impl"));
            return new Select<>(key, defaultChoice, more);
        }

        /** The type of the default choice; every choice fits where the select is used. */
        @Override
        public String type() {
            return choices.get(defaultChoice).type();
        }
    }

    /**
     * The result of calling a method: a static method of {@code owner}, or, for {@link
     * Dispatch#INSTANCE}, an instance method of the interface {@code owner} on the first input.
     * Made by the factories of {@link Devices}, or from a method reference by {@link
     * Devices#call(Devices.Factory1, Impl)} and its siblings.
     *
     * <p>The constructor throws {@code IllegalArgumentException} if the parameters do not match
     * the inputs in number, a parameter is another primitive type, or the label is malformed.
     *
     * @param module the module that holds {@code owner}; it is linked into the image
     * @param owner binary name of the class or interface declaring the method
     * @param method the method's name
     * @param type binary name of the method's declared return type
     * @param dispatch how the method is invoked
     * @param parameters the method's declared parameter types (without the receiver): binary
     *     names, or {@code int}, {@code long}, {@code boolean}, which a runtime argument of that
     *     type feeds unboxed
     * @param inputs the receiver (for {@code INSTANCE}) and the arguments, each of a type that
     *     fits its parameter
     * @param instance empty, or a label that makes this node a separate instance from an
     *     otherwise equal one ({@link Devices#instance(String, Impl)})
     */
    record Call<T>(String module, String owner, String method, String type, Dispatch dispatch, List<String> parameters,
            List<Impl<?>> inputs, String instance) implements Impl<T> {
        private static final Set<String> PRIMITIVES = Set.of("int", "long", "boolean");

        public Call {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(dispatch, "dispatch");
            Objects.requireNonNull(instance, "instance");
            parameters = List.copyOf(parameters);
            inputs = List.copyOf(inputs);
            if (dispatch == Dispatch.INSTANCE && inputs.isEmpty()) {
                throw new IllegalArgumentException("an instance call of " + owner + "." + method + " needs a receiver");
            }
            int receivers = dispatch == Dispatch.INSTANCE ? 1 : 0;
            if (parameters.size() != inputs.size() - receivers) {
                throw new IllegalArgumentException(owner + "." + method + " takes " + parameters.size()
                        + " parameters but is given " + (inputs.size() - receivers) + " inputs");
            }
            for (String p : parameters) {
                if (!PRIMITIVES.contains(p) && !p.contains(".")) {
                    throw new IllegalArgumentException(owner + "." + method + ": parameter type " + p
                            + " is neither a binary class name nor int, long or boolean");
                }
            }
            if (!instance.isEmpty() && !instance.matches("[a-z][a-z0-9-]{0,29}")) {
                throw new IllegalArgumentException("instance label '" + instance
                        + "' must be 1-30 characters of a-z, 0-9 and '-', starting with a letter");
            }
        }

        /**
         * A call whose parameter types are its inputs' types, a runtime argument of type
         * {@code int}, {@code long} or {@code boolean} being passed unboxed; no instance label.
         */
        public Call(String module, String owner, String method, String type, Dispatch dispatch, List<Impl<?>> inputs) {
            this(module, owner, method, type, dispatch, parametersOf(dispatch, inputs), inputs, "");
        }

        /** This call as the separate instance {@code label}. */
        public Call<T> instance(String label) {
            return new Call<>(module, owner, method, type, dispatch, parameters, inputs, label);
        }

        private static List<String> parametersOf(Dispatch dispatch, List<Impl<?>> inputs) {
            List<String> types = new ArrayList<>();
            for (int i = dispatch == Dispatch.INSTANCE ? 1 : 0; i < inputs.size(); i++) {
                Impl<?> input = inputs.get(i);
                String boxed = input.type();
                String primitive = switch (boxed) {
                    case "java.lang.Integer" -> "int";
                    case "java.lang.Long" -> "long";
                    case "java.lang.Boolean" -> "boolean";
                    default -> boxed;
                };
                types.add(input instanceof Arg<?> ? primitive : boxed);
            }
            return types;
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
