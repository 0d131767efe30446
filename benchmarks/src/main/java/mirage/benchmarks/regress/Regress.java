package mirage.benchmarks.regress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mirage.benchmarks.regress.Comparison.Round;
import mirage.benchmarks.regress.Comparison.Row;
import mirage.benchmarks.regress.Stats.Measure;

/**
 * The Java half of {@code benchmarks/regress} (the shell script builds the jars and calls this).
 * <pre>
 * compare --suite FILE --baseline FILE --jar JAR --out DIR [--rounds N] [--update]
 *         [--no-process] [--bench-dir DIR] [--jmh-arg ARG]... [--commit TEXT]
 * ab      --suite FILE --jar-a JAR --jar-b JAR [--name-a TEXT] [--name-b TEXT] --out DIR
 *         [--rounds N] [--jmh-arg ARG]...
 * </pre>
 * {@code compare} runs the suite's JMH benchmarks and whole-process scripts for the rounds,
 * prints a table against the baseline and writes {@code DIR/SUITE.json}; with {@code --update}
 * it writes the baseline instead (with {@code --no-process} keeping the stored whole-process
 * entries). Exit status: 0 no regression, 1 a regression or an entry
 * that could not be measured, 2 bad usage or a run that failed. {@code ab} runs the suite's
 * JMH benchmarks from two jars alternately (A B, B A, ..., rounds made even) and prints B's speed over A's with
 * a 95% interval for every benchmark both measured; it exits 0 unless a run fails.
 */
public final class Regress {

    private final PrintStream out;
    private final PrintStream err;

    Regress(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Regress(System.out, System.err).run(args));
    }

    /** Bad command-line input. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    int run(String[] args) {
        try {
            if (args.length == 0) {
                throw new UsageException("compare or ab expected");
            }
            Options o = Options.parse(List.of(args).subList(1, args.length));
            return switch (args[0]) {
                case "compare" -> compare(o);
                case "ab" -> ab(o);
                default -> throw new UsageException("unknown command '" + args[0] + "'");
            };
        } catch (UsageException | IllegalArgumentException | JsonException e) {
            err.println("regress: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("regress: " + e);
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    /** The parsed command line. */
    record Options(Map<String, String> values, List<String> jmhArgs) {

        private static final List<String> FLAGS = List.of("--update", "--no-process");
        private static final List<String> VALUED = List.of("--suite", "--baseline", "--jar", "--out", "--rounds",
                "--bench-dir", "--commit", "--jar-a", "--jar-b", "--name-a", "--name-b");

        static Options parse(List<String> args) throws UsageException {
            Map<String, String> values = new LinkedHashMap<>();
            List<String> jmh = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (FLAGS.contains(a)) {
                    values.put(a, "");
                } else if (VALUED.contains(a) || a.equals("--jmh-arg")) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(a + " needs a value");
                    }
                    if (a.equals("--jmh-arg")) {
                        jmh.add(args.get(++i));
                    } else {
                        values.put(a, args.get(++i));
                    }
                } else {
                    throw new UsageException("unknown option '" + a + "'");
                }
            }
            return new Options(values, jmh);
        }

        String need(String name) throws UsageException {
            String v = values.get(name);
            if (v == null) {
                throw new UsageException(name + " is required");
            }
            return v;
        }

        boolean has(String flag) {
            return values.containsKey(flag);
        }

        int rounds(Suite suite) throws UsageException {
            String v = values.get("--rounds");
            if (v == null) {
                return suite.rounds();
            }
            try {
                int n = Integer.parseInt(v);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new UsageException("--rounds wants a positive number, not '" + v + "'");
        }
    }

    private int compare(Options o) throws UsageException, IOException, InterruptedException {
        Path suiteFile = Path.of(o.need("--suite"));
        Suite suite = Suite.parse(Files.readString(suiteFile));
        String suiteName = suiteFile.getFileName().toString().replaceFirst("\\.suite$", "");
        Path baselineFile = Path.of(o.need("--baseline"));
        Path jar = Path.of(o.need("--jar"));
        Path outDir = Path.of(o.need("--out"));
        Path benchDir = Path.of(o.values().getOrDefault("--bench-dir", "."));
        int rounds = o.rounds(suite);
        boolean update = o.has("--update");
        boolean processes = !o.has("--no-process");
        Baseline baseline = null;
        if (!update) {
            if (!Files.exists(baselineFile)) {
                throw new UsageException("no baseline at " + baselineFile + "; record one with --update");
            }
            baseline = Baseline.parse(Files.readString(baselineFile));
        }
        Files.createDirectories(outDir);
        Runner runner = new Runner(outDir, err);
        String loadBefore = Runner.load();
        List<Round> measured = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            List<JmhResult> jmh = new ArrayList<>();
            // Every other round runs the benchmarks in reverse order, so that a subject and its
            // reference take turns at going first while the machine's load drifts.
            List<Suite.JmhRun> runs = r % 2 == 1 ? suite.jmhRuns() : suite.jmhRuns().reversed();
            for (Suite.JmhRun run : runs) {
                err.printf("regress: round %d/%d: %s%n", r, rounds, run.method());
                jmh.addAll(runner.jmh(jar, run, suite.jmhOptions(), o.jmhArgs(), "r" + r));
            }
            Map<String, Map<String, String>> process = new LinkedHashMap<>();
            if (processes) {
                for (String command : suite.processCommands()) {
                    err.printf("regress: round %d/%d: %s%n", r, rounds, command);
                    process.put(command, runner.process(benchDir, command));
                }
            }
            measured.add(new Round(jmh, process));
        }
        String loadAfter = Runner.load();
        Suite compared = processes ? suite : new Suite(suite.jmhOptions(), suite.rounds(),
                suite.entries().stream().filter(e -> !(e instanceof Suite.Process)).toList());
        List<Row> rows = Comparison.evaluate(compared, measured, baseline);

        Map<String, Object> about = new LinkedHashMap<>();
        about.put("suite", suiteName);
        about.put("commit", o.values().getOrDefault("--commit", "unknown"));
        aboutTheRun(about, o, suite, rounds, loadBefore, loadAfter);

        Report.table(out, suiteName, about, rows, baseline);
        Files.writeString(outDir.resolve(suiteName + ".json"), Report.json(about, rows, update), StandardCharsets.UTF_8);
        out.println("regress: JSON in " + outDir.resolve(suiteName + ".json"));
        long failing = rows.stream().filter(Row::fails).count();
        if (update) {
            if (rows.stream().anyMatch(row -> row.problem() != null)) {
                out.println("regress: not updating " + baselineFile + ": some entries could not be measured");
                return 1;
            }
            Baseline fresh = Comparison.toBaseline(rows, about);
            if (!processes && Files.exists(baselineFile)) {
                // --no-process: the stored whole-process entries stay as they were.
                Map<String, Baseline.Stored> entries = new LinkedHashMap<>(fresh.entries());
                Baseline.parse(Files.readString(baselineFile)).entries().forEach((name, stored) -> {
                    if (stored.kind().equals("process")) {
                        entries.putIfAbsent(name, stored);
                    }
                });
                fresh = new Baseline(about, entries);
            }
            Files.createDirectories(baselineFile.toAbsolutePath().getParent());
            Files.writeString(baselineFile, fresh.toJson(), StandardCharsets.UTF_8);
            out.println("regress: baseline written to " + baselineFile);
            return 0;
        }
        if (failing > 0) {
            out.printf("regress: %d of %d entries regressed or could not be measured%n", failing, rows.size());
            return 1;
        }
        out.printf("regress: no regression in %d entries%n", rows.size());
        return 0;
    }

    private int ab(Options o) throws UsageException, IOException, InterruptedException {
        Suite suite = Suite.parse(Files.readString(Path.of(o.need("--suite"))));
        Path[] jars = {Path.of(o.need("--jar-a")), Path.of(o.need("--jar-b"))};
        String[] names = {o.values().getOrDefault("--name-a", "A"), o.values().getOrDefault("--name-b", "B")};
        Path outDir = Path.of(o.need("--out"));
        // An even number, so that each side goes first as often: a drifting load favours neither.
        int rounds = (o.rounds(suite) + 1) / 2 * 2;
        Files.createDirectories(outDir);
        Runner runner = new Runner(outDir, err);
        String loadBefore = Runner.load();
        List<List<JmhResult>> a = new ArrayList<>();
        List<List<JmhResult>> b = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            int[] order = r % 2 == 1 ? new int[] {0, 1} : new int[] {1, 0};
            List<List<JmhResult>> round = new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>()));
            for (int side : order) {
                List<Suite.JmhRun> runs = r % 2 == 1 ? suite.jmhRuns() : suite.jmhRuns().reversed();
                for (Suite.JmhRun run : runs) {
                    err.printf("regress: round %d/%d, %s: %s%n", r, rounds, names[side], run.method());
                    try {
                        round.get(side).addAll(runner.jmh(jars[side], run, suite.jmhOptions(), o.jmhArgs(),
                                "r" + r + "-" + (side == 0 ? "a" : "b")));
                    } catch (Runner.RunFailed e) {
                        err.println("regress: " + names[side] + " could not run " + run.method() + " (" + e.getMessage() + ")");
                    }
                }
            }
            a.add(round.get(0));
            b.add(round.get(1));
        }
        String loadAfter = Runner.load();
        List<AbRow> rows = abRows(a, b);
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("a", names[0]);
        about.put("b", names[1]);
        aboutTheRun(about, o, suite, rounds, loadBefore, loadAfter);
        Report.abTable(out, about, rows);
        Files.writeString(outDir.resolve("ab.json"), Report.abJson(about, rows), StandardCharsets.UTF_8);
        out.println("regress: JSON in " + outDir.resolve("ab.json"));
        return 0;
    }

    /** What the table and the JSON say about how the run was made: when, machine, load, JMH options, rounds. */
    private static void aboutTheRun(Map<String, Object> about, Options o, Suite suite, int rounds, String loadBefore,
                                    String loadAfter) {
        about.put("recorded", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        about.put("cores", (double) Runtime.getRuntime().availableProcessors());
        about.put("java", System.getProperty("java.vm.version"));
        about.put("loadBefore", loadBefore);
        about.put("loadAfter", loadAfter);
        about.put("jmh", String.join(" ", suite.jmhOptions()) + (o.jmhArgs().isEmpty() ? "" : " " + String.join(" ", o.jmhArgs())));
        about.put("rounds", (double) rounds);
    }

    /**
     * One benchmark of an A/B run.
     *
     * @param id     the benchmark with all its parameters
     * @param unit   the score's unit
     * @param a      side A's score over rounds (mean of each round's median iteration)
     * @param b      side B's score, the same way
     * @param speed  B's speed over A's (above 1: B faster), combined over the paired rounds
     * @param allocA side A's largest bytes/op, NaN without -prof gc
     * @param allocB side B's largest bytes/op, NaN without -prof gc
     */
    record AbRow(BenchId id, String unit, double a, double b, Measure speed, double allocA, double allocB) {}

    /** Pairs each round's rows of A with B's of the same benchmark; benchmarks missing on either side in any round are left out. */
    static List<AbRow> abRows(List<List<JmhResult>> a, List<List<JmhResult>> b) {
        List<AbRow> rows = new ArrayList<>();
        if (a.isEmpty()) {
            return rows;
        }
        for (JmhResult first : a.get(0)) {
            BenchId id = new BenchId(first.method(), first.params());
            List<Double> speeds = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            double sumA = 0;
            double sumB = 0;
            double allocA = Double.NaN;
            double allocB = Double.NaN;
            boolean complete = true;
            for (int r = 0; r < a.size() && complete; r++) {
                JmhResult ra = exact(a.get(r), first);
                JmhResult rb = exact(b.get(r), first);
                if (ra == null || rb == null || !ra.mode().equals(rb.mode()) || !ra.unit().equals(rb.unit())) {
                    complete = false;
                    break;
                }
                speeds.add(Stats.speed(rb.median(), ra.median(), ra.higherIsBetter()));
                errors.add(Stats.quotientError(Stats.relativeError(rb.iterations()), Stats.relativeError(ra.iterations())));
                sumA += ra.median();
                sumB += rb.median();
                allocA = Double.isNaN(allocA) ? ra.allocPerOp() : Math.max(allocA, ra.allocPerOp());
                allocB = Double.isNaN(allocB) ? rb.allocPerOp() : Math.max(allocB, rb.allocPerOp());
            }
            if (complete) {
                rows.add(new AbRow(id, first.unit(), sumA / a.size(), sumB / a.size(), Stats.combine(speeds, errors), allocA, allocB));
            }
        }
        return rows;
    }

    private static JmhResult exact(List<JmhResult> results, JmhResult like) {
        for (JmhResult r : results) {
            if (r.method().equals(like.method()) && r.params().equals(like.params())) {
                return r;
            }
        }
        return null;
    }

    static String percent(double relative) {
        return String.format(Locale.ROOT, "%+.1f%%", relative * 100);
    }
}
