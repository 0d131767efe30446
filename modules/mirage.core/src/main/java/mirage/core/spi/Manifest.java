package mirage.core.spi;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import mirage.core.internal.ManifestCodec;

/**
 * The devices a unikernel needs, by name and kind: Solo5's manifest. The link step computes
 * it from the description and writes it into the image; the platform refuses to boot unless
 * every entry is bound, and refuses bindings for names it does not list.
 *
 * @param devices the entries, in the order the description declares them; names unique
 */
public record Manifest(List<Entry> devices) {

    /** The manifest of a unikernel with no devices. */
    public static final Manifest EMPTY = new Manifest(List.of());

    /** Most devices one manifest may list (Solo5's limit: a 64-bit handle set). */
    public static final int MAX_DEVICES = 63;

    /**
     * @throws IllegalArgumentException if two entries share a name or there are more than
     *     {@link #MAX_DEVICES}
     */
    public Manifest {
        devices = List.copyOf(devices);
        if (devices.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("a manifest lists at most " + MAX_DEVICES + " devices, not " + devices.size());
        }
        Set<String> names = new HashSet<>();
        for (Entry e : devices) {
            if (!names.add(e.name())) {
                throw new IllegalArgumentException("device '" + e.name() + "' is listed twice");
            }
        }
    }

    /** The entry named {@code name}, if listed. */
    public Optional<Entry> device(String name) {
        return devices.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The text form written into images; {@link #parse} reads it back. */
    public String encode() {
        return ManifestCodec.encode(this);
    }

    /**
     * Reads the text form.
     *
     * @throws ManifestException if the text is not a well-formed manifest
     */
    public static Manifest parse(String text) throws ManifestException {
        return ManifestCodec.decode(text);
    }

    /**
     * One device.
     *
     * @param name 1-31 characters of ASCII letters, digits, {@code _} and {@code -}, starting
     *     with a letter (Solo5 allows at most 67 bytes; the binding option must stay short)
     * @param kind what kind of device
     */
    public record Entry(String name, DeviceKind kind) {
        /** @throws IllegalArgumentException if the name is not well formed */
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            if (!ManifestCodec.isDeviceName(name)) {
                throw new IllegalArgumentException("device name '" + name
                        + "' must be 1-31 characters of A-Z, a-z, 0-9, '_' and '-', starting with a letter");
            }
        }
    }
}
