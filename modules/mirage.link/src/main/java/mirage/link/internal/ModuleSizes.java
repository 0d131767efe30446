package mirage.link.internal;

import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How big each module of an image is before class removal: its class files (every {@code .class}
 * entry, {@code module-info.class} included, each version of a multi-release jar's class as
 * the module reader serves it), counted and summed in bytes as they are stored uncompressed;
 * read from the module path and the JDK's run-time image, the places jlink links from.
 */
final class ModuleSizes {
    /**
     * A module's class files.
     *
     * @param classes how many
     * @param bytes their total size
     */
    record Size(long classes, long bytes) {}

    private ModuleSizes() {}

    /**
     * The sizes of {@code modules}, found on {@code modulePath} before the JDK's own.
     *
     * @throws LinkException if a module is not found or cannot be read
     */
    static SortedMap<String, Size> of(Collection<String> modules, List<Path> modulePath) throws LinkException {
        ModuleFinder finder = ModuleFinder.compose(ModuleFinder.of(modulePath.toArray(Path[]::new)), ModuleFinder.ofSystem());
        SortedMap<String, Size> sizes = new TreeMap<>();
        for (String name : modules) {
            ModuleReference ref = finder.find(name)
                    .orElseThrow(() -> new LinkException("module " + name + " is on neither the module path nor the JDK"));
            sizes.put(name, size(ref));
        }
        return sizes;
    }

    private static Size size(ModuleReference ref) throws LinkException {
        long classes = 0;
        long bytes = 0;
        try (ModuleReader reader = ref.open(); Stream<String> names = reader.list()) {
            for (String entry : (Iterable<String>) names.filter(n -> n.endsWith(".class")).sorted()::iterator) {
                Optional<ByteBuffer> content = reader.read(entry);
                if (content.isPresent()) {
                    classes++;
                    bytes += content.get().remaining();
                    reader.release(content.get());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new LinkException("cannot read module " + ref.descriptor().name() + ": " + e.getMessage(), e);
        }
        return new Size(classes, bytes);
    }
}
