package mirage.benchmarks.regress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code regress --update} stores in {@code benchmarks/baseline/SUITE.json}: for every
 * entry of the suite its measured value with the noise it had, and how it was measured
 * (machine, load, JMH options, commit), for a reader.
 *
 * @param about   free-form facts about the run (strings, numbers, lists), written as given
 * @param entries by entry name
 */
public record Baseline(Map<String, Object> about, Map<String, Stored> entries) {

    public Baseline {
        about = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(about));
        entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /**
     * One entry's stored value.
     *
     * @param kind   {@code ratio}, {@code zero} or {@code process}
     * @param value  a speed ratio (ratio, process) or bytes per operation (zero)
     * @param noise  relative half-width of the value's 95% interval (0 for zero)
     * @param rounds each round's value
     */
    public record Stored(String kind, double value, double noise, List<Double> rounds) {

        public Stored {
            rounds = List.copyOf(rounds);
        }
    }

    /** As JSON (see {@link #parse}). */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>(about);
        Map<String, Object> es = new LinkedHashMap<>();
        entries.forEach((name, s) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("kind", s.kind());
            e.put("value", s.value());
            e.put("noise", s.noise());
            e.put("rounds", new ArrayList<Object>(s.rounds()));
            es.put(name, e);
        });
        root.put("entries", es);
        return Json.write(root) + "\n";
    }

    /** Reads what {@link #toJson} wrote; throws {@link JsonException} for anything else. */
    public static Baseline parse(String json) {
        Map<String, Object> root = new LinkedHashMap<>(Json.object(Json.parse(json), "a baseline"));
        Map<String, Stored> entries = new LinkedHashMap<>();
        Json.object(root.remove("entries"), "'entries'").forEach((name, v) -> {
            Map<String, Object> e = Json.object(v, "entry " + name);
            List<Double> rounds = new ArrayList<>();
            for (Object r : Json.array(e.get("rounds"), "rounds of " + name)) {
                rounds.add(Json.number(r));
            }
            double value = Json.number(e.get("value"));
            double noise = Json.number(e.get("noise"));
            if (Double.isNaN(value) || !(noise >= 0)) {
                throw new JsonException("entry " + name + " has no value or no noise");
            }
            entries.put(name, new Stored(Json.string(e.get("kind"), "kind of " + name), value, noise, rounds));
        });
        return new Baseline(root, entries);
    }
}
