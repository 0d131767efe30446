package mirage.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs {@code ./mirage} and images as a user would, from the repository root. */
final class Mirage {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private Mirage() {}

    /** What a finished process left. */
    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        String lastOutLine() {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "" : lines.getLast();
        }
    }

    static Result mirage(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("mirage").toString());
        command.addAll(List.of(args));
        return exec(command, Duration.ofMinutes(3));
    }

    /**
     * Copies examples/{@code example} under {@code work} and builds its image with
     * {@code ./mirage build} and the configure keys given (the libraries marked built first);
     * fails with mirage's errors unless the build succeeds. Returns the image directory.
     */
    static Path buildExample(String example, Path work, String... keys) throws IOException {
        markLibrariesBuilt();
        Path unikernel = copyExample(example, work.resolve(example));
        List<String> args = new ArrayList<>(List.of("build", unikernel.toString()));
        args.addAll(List.of(keys));
        Result built = mirage(args.toArray(String[]::new));
        org.junit.jupiter.api.Assertions.assertEquals(0, built.exit(), built.err());
        return Path.of(built.lastOutLine());
    }

    static Result exec(List<String> command, Duration limit) {
        return exec(command, java.util.Map.of(), limit);
    }

    /** Runs {@code command} from the repository root with {@code env} added to the environment. */
    static Result exec(List<String> command, java.util.Map<String, String> env, Duration limit) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish within " + limit + ": " + command);
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code examples/NAME}'s unikernel (sources and description only) under {@code into}. */
    static Path copyExample(String name, Path into) throws IOException {
        return copyUnikernel(ROOT.resolve("examples").resolve(name), into);
    }

    /**
     * A copy of the unikernel in {@code from} (sources, description, AOT training arguments
     * and requests only) under {@code into}.
     */
    static Path copyUnikernel(Path from, Path into) throws IOException {
        Files.createDirectories(into);
        Files.copy(from.resolve("Config.java"), into.resolve("Config.java"));
        for (String training : new String[] {"aot-training.args", "aot-training.requests"}) {
            if (Files.exists(from.resolve(training))) {
                Files.copy(from.resolve(training), into.resolve(training));
            }
        }
        copyTree(from.resolve("src"), into.resolve("src"));
        return into;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * The reactor has just packaged every library module, so their jars are current: record it
     * the way {@code ./mirage} does, so that it never considers them stale by file times.
     */
    static void markLibrariesBuilt() throws IOException {
        try (Stream<Path> targets = Stream.concat(Files.list(ROOT.resolve("modules")), Files.list(ROOT))
                .filter(d -> d.getFileName().toString().startsWith("mirage."))
                .map(d -> d.resolve("target"))
                .filter(Files::isDirectory)) {
            for (Path t : (Iterable<Path>) targets::iterator) {
                Files.writeString(t.resolve("mirage-lib.stamp"), "");
            }
        }
    }
}
