package mirage.benchmarks.regress;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One JMH benchmark with its parameters, written {@code Class.method} or
 * {@code Class.method(name=value,name=value)}: the class's simple name in
 * {@code mirage.benchmarks}, the parameters in any order (kept sorted by name).
 *
 * @param method {@code Class.method}
 * @param params parameter values by name, sorted; only those the id names
 */
public record BenchId(String method, Map<String, String> params) {

    /** The package JMH's benchmark names carry in front of {@link #method}. */
    public static final String PACKAGE = "mirage.benchmarks.";

    public BenchId {
        params = Map.copyOf(new TreeMap<>(params));
    }

    /**
     * Reads {@code Class.method} or {@code Class.method(k=v,...)}; throws
     * {@link IllegalArgumentException} saying what is wrong otherwise.
     */
    public static BenchId parse(String text) {
        String method = text;
        Map<String, String> params = new TreeMap<>();
        int open = text.indexOf('(');
        if (open >= 0) {
            if (!text.endsWith(")")) {
                throw new IllegalArgumentException("'" + text + "': parameters must end with ')'");
            }
            method = text.substring(0, open);
            String inner = text.substring(open + 1, text.length() - 1);
            for (String pair : inner.split(",", -1)) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new IllegalArgumentException("'" + text + "': parameter '" + pair + "' is not name=value");
                }
                if (params.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                    throw new IllegalArgumentException("'" + text + "': parameter '" + pair.substring(0, eq) + "' given twice");
                }
            }
        }
        if (!method.matches("[A-Za-z_$][\\w$]*\\.[A-Za-z_$][\\w$]*")) {
            throw new IllegalArgumentException("'" + text + "' is not Class.method");
        }
        return new BenchId(method, params);
    }

    /** The class's simple name. */
    public String className() {
        return method.substring(0, method.indexOf('.'));
    }

    /** Whether a JMH result of {@code method} with {@code resultParams} is this one: every named parameter matches. */
    public boolean matches(String resultMethod, Map<String, String> resultParams) {
        if (!method.equals(resultMethod)) {
            return false;
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (!p.getValue().equals(resultParams.get(p.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        if (params.isEmpty()) {
            return method;
        }
        StringJoiner j = new StringJoiner(",", method + "(", ")");
        new TreeMap<>(params).forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
