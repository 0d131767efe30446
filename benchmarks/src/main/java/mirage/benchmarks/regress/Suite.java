package mirage.benchmarks.regress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A set of benchmarks {@code regress} runs and compares, read from a {@code .suite} file in
 * {@code benchmarks/baseline/}. One statement a line; {@code #} starts a comment:
 * <pre>
 * jmh OPTIONS...                        JMH options of every run (default -f 1 -wi 2 -i 3 -w 1s -r 1s)
 * rounds N                              rounds when the command line gives none (default 3)
 * ratio NAME SUBJECT REFERENCE [tolerance=F]
 *                                       speed of SUBJECT over speed of REFERENCE, both JMH
 *                                       benchmarks (Class.method(param=value,...)) of one run
 * zero NAME BENCHMARK [limit=B]         gc.alloc.rate.norm below B bytes/op (default 1) stays so
 * process NAME SUBJECT_KEY REFERENCE_KEY [tolerance=F] -- COMMAND...
 *                                       a whole-process script (run in benchmarks/) whose last
 *                                       "RESULT key=value..." line gives both values, lower is better
 * </pre>
 * {@code tolerance} is the smallest relative change reported as a regression (default 0.10);
 * the noise recorded with the baseline and measured now widens it.
 *
 * @param jmhOptions JMH options, split on white space
 * @param rounds     default number of rounds
 * @param entries    the comparisons, in file order
 */
public record Suite(List<String> jmhOptions, int rounds, List<Entry> entries) {

    /** Default smallest relative change reported. */
    public static final double DEFAULT_TOLERANCE = 0.10;
    /** Default bytes per operation below which a benchmark counts as not allocating. */
    public static final double DEFAULT_ZERO_LIMIT = 1.0;

    public Suite {
        jmhOptions = List.copyOf(jmhOptions);
        entries = List.copyOf(entries);
    }

    /** One comparison of a suite. */
    public sealed interface Entry {
        /** The name results and the baseline are keyed by. */
        String name();
    }

    /** Speed of {@code subject} relative to {@code reference}, measured in the same run. */
    public record Ratio(String name, BenchId subject, BenchId reference, double tolerance) implements Entry {}

    /** A benchmark whose allocation per operation, once below {@code limit}, must stay there. */
    public record Zero(String name, BenchId bench, double limit) implements Entry {}

    /** Two values of a whole-process script's RESULT line, lower is better. */
    public record Process(String name, String subjectKey, String referenceKey, double tolerance, String command)
            implements Entry {}

    /** One JMH invocation: a benchmark method, the parameter values to restrict it to, and whether it needs {@code -prof gc}. */
    public record JmhRun(String method, Map<String, Set<String>> params, boolean gc) {

        /** The arguments to JMH's command line, before the suite's options. */
        public List<String> arguments() {
            List<String> a = new ArrayList<>();
            a.add("^" + (BenchId.PACKAGE + method).replace(".", "\\.") + "$");
            params.forEach((k, v) -> {
                a.add("-p");
                a.add(k + "=" + String.join(",", v));
            });
            if (gc) {
                a.add("-prof");
                a.add("gc");
            }
            return a;
        }
    }

    /** Reads a suite; throws {@link IllegalArgumentException} naming the line for anything malformed. */
    public static Suite parse(String text) {
        List<String> jmh = List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s");
        int rounds = 3;
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] w = line.split("\\s+");
            String where = "suite line " + (n + 1) + ": ";
            int before = entries.size();
            try {
                switch (w[0]) {
                    case "jmh" -> jmh = List.of(w).subList(1, w.length);
                    case "rounds" -> {
                        need(w, 2, 2);
                        rounds = Integer.parseInt(w[1]);
                        if (rounds < 1) {
                            throw new IllegalArgumentException("rounds must be at least 1");
                        }
                    }
                    case "ratio" -> {
                        need(w, 4, 5);
                        entries.add(new Ratio(w[1], BenchId.parse(w[2]), BenchId.parse(w[3]),
                                option(w, 4, "tolerance", DEFAULT_TOLERANCE)));
                    }
                    case "zero" -> {
                        need(w, 3, 4);
                        entries.add(new Zero(w[1], BenchId.parse(w[2]), option(w, 3, "limit", DEFAULT_ZERO_LIMIT)));
                    }
                    case "process" -> {
                        int dash = List.of(w).indexOf("--");
                        if (dash < 4 || dash > 5 || dash == w.length - 1) {
                            throw new IllegalArgumentException("process wants NAME SUBJECT_KEY REFERENCE_KEY [tolerance=F] -- COMMAND");
                        }
                        double tolerance = dash == 5 ? option(w, 4, "tolerance", DEFAULT_TOLERANCE) : DEFAULT_TOLERANCE;
                        entries.add(new Process(w[1], w[2], w[3], tolerance,
                                String.join(" ", List.of(w).subList(dash + 1, w.length))));
                    }
                    default -> throw new IllegalArgumentException("unknown statement '" + w[0] + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
            if (entries.size() > before && !names.add(entries.getLast().name())) {
                throw new IllegalArgumentException(where + "name '" + entries.getLast().name() + "' used twice");
            }
        }
        return new Suite(jmh, rounds, entries);
    }

    private static void need(String[] w, int min, int max) {
        if (w.length < min || w.length > max) {
            throw new IllegalArgumentException("'" + w[0] + "' wants " + (min - 1) + (max > min ? " to " + (max - 1) : "") + " arguments");
        }
    }

    private static double option(String[] w, int i, String name, double dflt) {
        if (w.length <= i) {
            return dflt;
        }
        if (!w[i].startsWith(name + "=")) {
            throw new IllegalArgumentException("'" + w[i] + "': " + name + "=NUMBER expected");
        }
        double v = Double.parseDouble(w[i].substring(name.length() + 1));
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("'" + w[i] + "': not a number at least 0");
        }
        return v;
    }

    /**
     * The JMH invocations that measure every benchmark the entries name: one per method, each
     * parameter restricted to the values the ids give when every id of that method names it.
     */
    public List<JmhRun> jmhRuns() {
        Map<String, List<BenchId>> byMethod = new LinkedHashMap<>();
        Set<String> gc = new LinkedHashSet<>();
        for (Entry e : entries) {
            switch (e) {
                case Ratio r -> {
                    byMethod.computeIfAbsent(r.subject().method(), k -> new ArrayList<>()).add(r.subject());
                    byMethod.computeIfAbsent(r.reference().method(), k -> new ArrayList<>()).add(r.reference());
                }
                case Zero z -> {
                    byMethod.computeIfAbsent(z.bench().method(), k -> new ArrayList<>()).add(z.bench());
                    gc.add(z.bench().method());
                }
                case Process p -> { }
            }
        }
        List<JmhRun> runs = new ArrayList<>();
        byMethod.forEach((method, ids) -> {
            Set<String> names = new LinkedHashSet<>();
            ids.forEach(id -> names.addAll(id.params().keySet()));
            Map<String, Set<String>> params = new LinkedHashMap<>();
            for (String name : names.stream().sorted().toList()) {
                if (ids.stream().allMatch(id -> id.params().containsKey(name))) {
                    Set<String> values = new LinkedHashSet<>();
                    ids.forEach(id -> values.add(id.params().get(name)));
                    params.put(name, values);
                }
            }
            runs.add(new JmhRun(method, params, gc.contains(method)));
        });
        return runs;
    }

    /** The whole-process commands, each once, in file order. */
    public List<String> processCommands() {
        Set<String> c = new LinkedHashSet<>();
        entries.forEach(e -> {
            if (e instanceof Process p) {
                c.add(p.command());
            }
        });
        return List.copyOf(c);
    }
}
