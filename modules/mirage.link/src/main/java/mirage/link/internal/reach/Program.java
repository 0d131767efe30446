package mirage.link.internal.reach;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the reachability analysis runs over: every class of an image's modules, what their
 * descriptors say about services and main classes, and the names the image's native libraries
 * hold.
 *
 * @param classes the classes, by internal name
 * @param modules the modules, in a fixed order
 * @param natives the native libraries
 */
public record Program(Map<String, ClassInfo> classes, List<ModuleFacts> modules, List<NativeLibrary> natives) {
    public Program {
        classes = java.util.Collections.unmodifiableMap(new HashMap<>(classes));
        modules = List.copyOf(modules);
        natives = List.copyOf(natives);
    }

    /** Builds a program; a class name seen twice is an error. */
    public static Program of(Collection<ClassInfo> classes, List<ModuleFacts> modules, List<NativeLibrary> natives) {
        Map<String, ClassInfo> byName = new HashMap<>();
        for (ClassInfo c : classes) {
            ClassInfo seen = byName.putIfAbsent(c.name(), c);
            if (seen != null) {
                throw new IllegalArgumentException("class " + c.name() + " is in both " + seen.module() + " and "
                        + c.module());
            }
        }
        return new Program(java.util.Collections.unmodifiableMap(byName), modules, natives);
    }

    /**
     * What one module's descriptor tells the analysis.
     *
     * @param name the module's name
     * @param uses the services it loads (binary names)
     * @param provides its service providers: service to provider classes (binary names)
     * @param mainClass its main class, if it names one
     */
    public record ModuleFacts(String name, Set<String> uses, Map<String, List<String>> provides,
            Optional<String> mainClass) {
        public ModuleFacts {
            uses = Set.copyOf(uses);
            provides = Map.copyOf(provides);
        }
    }

    /**
     * A native library of the image.
     *
     * @param name its name as {@code System.loadLibrary} takes it ({@code net} for {@code libnet.so})
     * @param classNames class names (internal form) that appear among its strings
     * @param memberNames the identifiers among its strings: the methods it may call by name
     */
    public record NativeLibrary(String name, Set<String> classNames, Set<String> memberNames) {
        public NativeLibrary {
            classNames = Set.copyOf(classNames);
            memberNames = Set.copyOf(memberNames);
        }
    }
}
