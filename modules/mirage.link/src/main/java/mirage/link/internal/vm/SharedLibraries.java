package mirage.link.internal.vm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import mirage.link.internal.LinkException;

/**
 * The host's shared libraries a jlink image's native code needs, found as the dynamic loader
 * ({@code ld.so(8)}) would: from every ELF file of the image, its {@code PT_INTERP} and its
 * {@code DT_NEEDED} names; a name another ELF file of the image provides (by file name or
 * {@code DT_SONAME}) is the image's own; any other is looked up in the needing object's
 * {@code DT_RPATH} (when it has no {@code DT_RUNPATH}), its {@code DT_RUNPATH} ({@code $ORIGIN}
 * expanded), then the loader's directories ({@link #loaderDirectories}), taking the first file
 * that is a 64-bit x86-64 ELF object; and so on for what those libraries need.
 *
 * <p>Each library is placed in the guest at the path the host found it at (the loader's
 * default directories, which the guest's loader, the host's own copied, searches too), its
 * bytes those of the file the path leads to.
 */
public final class SharedLibraries {
    /** The loader's built-in directories after {@code ld.so.conf}'s, for x86-64 (multiarch first). */
    static final List<Path> SYSTEM_DIRECTORIES = List.of(Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib64"), Path.of("/usr/lib64"), Path.of("/lib"), Path.of("/usr/lib"));

    /**
     * A host file to put into the guest.
     *
     * @param guestPath absolute path in the guest, e.g. {@code /lib/x86_64-linux-gnu/libc.so.6}
     * @param hostFile the file whose bytes go there (symbolic links resolved)
     */
    public record Placement(String guestPath, Path hostFile) {}

    private SharedLibraries() {}

    /**
     * The libraries the ELF files under {@code image} need from the host, in the order they
     * were found, each guest path once.
     *
     * @param directories the loader's search directories, e.g. {@link #loaderDirectories}
     * @throws LinkException one line naming the file that needs a library no directory has, or
     *     an ELF file that cannot be read
     */
    public static List<Placement> resolve(Path image, List<Path> directories) throws LinkException {
        List<Path> elves = new ArrayList<>();
        Set<String> provided = new HashSet<>();
        try (Stream<Path> walk = Files.walk(image)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                if (Elf.isElf(p)) {
                    elves.add(p);
                    provided.add(p.getFileName().toString());
                    read(p).dynamic().soname().ifPresent(provided::add);
                }
            }
        } catch (IOException e) {
            throw new LinkException("cannot read the image under " + image + ": " + e.getMessage(), e);
        } catch (MalformedException e) {
            throw new LinkException("cannot read the image under " + image + ": " + e.getMessage(), e);
        }
        Map<String, Placement> placed = new LinkedHashMap<>();
        Deque<Path> work = new ArrayDeque<>(elves);
        Set<Path> seen = new HashSet<>(elves);
        while (!work.isEmpty()) {
            Path object = work.removeFirst();
            Elf elf;
            Elf.Dynamic dyn;
            try {
                elf = read(object);
                dyn = elf.dynamic();
                Optional<String> interp = elf.interpreter();
                if (interp.isPresent()) {
                    Path host = Path.of(interp.get());
                    if (!Files.isRegularFile(host)) {
                        throw new LinkException(object + " needs the program interpreter " + host + ", which this host lacks");
                    }
                    place(placed, interp.get(), host);
                }
            } catch (IOException | MalformedException e) {
                throw new LinkException("cannot read the ELF file " + object + ": " + e.getMessage(), e);
            }
            for (String needed : dyn.needed()) {
                if (provided.contains(needed)) {
                    continue;
                }
                Path found = find(object, needed, dyn, directories);
                place(placed, found.toString(), found);
                if (seen.add(found)) {
                    work.addLast(found);
                }
            }
        }
        return List.copyOf(placed.values());
    }

    private static void place(Map<String, Placement> placed, String guestPath, Path host) throws LinkException {
        try {
            placed.putIfAbsent(guestPath, new Placement(guestPath, host.toRealPath()));
        } catch (IOException e) {
            throw new LinkException("cannot resolve " + host + ": " + e.getMessage(), e);
        }
    }

    private static Elf read(Path p) throws IOException, MalformedException {
        return Elf.read(p);
    }

    /** Where the loader finds {@code needed} for {@code object}. */
    static Path find(Path object, String needed, Elf.Dynamic dyn, List<Path> directories) throws LinkException {
        if (needed.contains("/")) {
            Path p = Path.of(needed).toAbsolutePath().normalize();
            if (usable(p)) {
                return p;
            }
            throw new LinkException(object + " needs " + needed + ", which is not an x86-64 shared library on this host");
        }
        List<Path> dirs = new ArrayList<>();
        Path origin = object.toAbsolutePath().getParent();
        if (dyn.runpath().isEmpty()) {
            dyn.rpath().ifPresent(r -> expand(r, origin, dirs));
        }
        dyn.runpath().ifPresent(r -> expand(r, origin, dirs));
        dirs.addAll(directories);
        for (Path d : dirs) {
            Path candidate = d.resolve(needed).normalize();
            if (usable(candidate)) {
                return candidate;
            }
        }
        throw new LinkException(object + " needs " + needed + ", which none of the loader's directories has ("
                + dirs.stream().map(Path::toString).distinct().reduce((a, b) -> a + ":" + b).orElse("") + ")");
    }

    private static void expand(String list, Path origin, List<Path> into) {
        for (String part : list.split(":")) {
            if (!part.isEmpty()) {
                into.add(Path.of(part.replace("${ORIGIN}", origin.toString()).replace("$ORIGIN", origin.toString())));
            }
        }
    }

    /** Whether {@code p} is a file a 64-bit x86-64 loader would take. */
    private static boolean usable(Path p) {
        try {
            if (!Elf.isElf(p)) {
                return false;
            }
            Elf e = Elf.read(p);
            return e.machine() == Elf.EM_X86_64 && e.type() == Elf.ET_DYN;
        } catch (IOException | MalformedException e) {
            return false;
        }
    }

    /**
     * The loader's search directories on this host: those {@code /etc/ld.so.conf} lists (and
     * the files it includes), in order, then {@link #SYSTEM_DIRECTORIES}; each once.
     */
    public static List<Path> loaderDirectories(Path ldSoConf) {
        Set<Path> dirs = new LinkedHashSet<>();
        readConf(ldSoConf, dirs, new HashSet<>());
        dirs.addAll(SYSTEM_DIRECTORIES);
        return List.copyOf(dirs);
    }

    private static void readConf(Path conf, Set<Path> into, Set<Path> visited) {
        if (!visited.add(conf.toAbsolutePath().normalize()) || !Files.isRegularFile(conf)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException e) {
            return; // an unreadable ld.so.conf: the loader itself would skip it
        }
        for (String raw : lines) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty() || line.startsWith("hwcap ")) {
                continue;
            }
            if (line.startsWith("include ") || line.startsWith("include\t")) {
                for (String pattern : line.substring(8).strip().split("\\s+")) {
                    for (Path p : glob(conf.getParent(), pattern)) {
                        readConf(p, into, visited);
                    }
                }
                continue;
            }
            for (String d : line.split("[:,\\s]+")) {
                if (d.startsWith("/")) {
                    into.add(Path.of(d));
                }
            }
        }
    }

    /** Files matching {@code pattern} (a glob in its last component), sorted. */
    private static List<Path> glob(Path base, String pattern) {
        Path p = base.resolve(pattern);
        Path dir = p.getParent();
        List<Path> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName());
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path f : s) {
                if (m.matches(f.getFileName())) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }
}
