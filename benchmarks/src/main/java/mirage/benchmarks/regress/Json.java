package mirage.benchmarks.regress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that JMH's {@code -rf json} writes and that {@code regress} stores, read into plain
 * Java values and written back: objects are {@code Map<String, Object>} (insertion order kept),
 * arrays {@code List<Object>}, strings {@code String}, numbers {@code Double}, {@code true} and
 * {@code false} {@code Boolean}, {@code null} {@code null}.
 *
 * <p>Reading follows RFC 8259 strictly (no comments, no trailing commas, nothing after the
 * value but white space), with one limit: values nest at most {@value #MAX_DEPTH} deep. Any
 * other input ends in a {@link JsonException} naming the offset; nothing else is thrown.
 * Writing turns a non-finite double into the string JMH writes for it ({@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}); {@link #number} reads those back. Stateless and
 * thread-safe.
 */
public final class Json {

    /** Deepest nesting {@link #parse} accepts. */
    public static final int MAX_DEPTH = 256;

    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** The one value {@code text} holds; throws {@link JsonException} if it is not JSON. */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.at != text.length()) {
            throw p.error("text after the value");
        }
        return v;
    }

    /** {@code v} as JSON, indented by two spaces per level, ending without a newline. */
    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, 0);
        return b.toString();
    }

    /**
     * A JSON number or JMH's string for a non-finite one as a double; {@code NaN} for
     * {@code null} or a missing member. Throws {@link JsonException} for anything else.
     */
    public static double number(Object v) {
        if (v == null) {
            return Double.NaN;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s) {
            switch (s) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw new JsonException("not a number: " + describe(v));
    }

    /** {@code v} as an object; throws {@link JsonException} naming {@code what} otherwise. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object v, String what) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new JsonException(what + " is not an object but " + describe(v));
    }

    /** {@code v} as an array; throws {@link JsonException} naming {@code what} otherwise. */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Object v, String what) {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new JsonException(what + " is not an array but " + describe(v));
    }

    /** {@code v} as a string; throws {@link JsonException} naming {@code what} otherwise. */
    public static String string(Object v, String what) {
        if (v instanceof String s) {
            return s;
        }
        throw new JsonException(what + " is not a string but " + describe(v));
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        return v instanceof Map ? "an object" : v instanceof List ? "an array" : v.getClass().getSimpleName() + " " + v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        if (at >= text.length()) {
            throw error("a value expected, the text ended");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': return word("true", Boolean.TRUE);
            case 'f': return word("false", Boolean.FALSE);
            case 'n': return word("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("a value expected, not '" + c + "'");
        }
    }

    private Map<String, Object> object(int depth) {
        at++;
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            at++;
            return m;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw error("a member name expected");
            }
            String name = string();
            space();
            expect(':');
            space();
            if (m.containsKey(name)) {
                throw error("member '" + name + "' given twice");
            }
            m.put(name, value(depth + 1));
            space();
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("',' or '}' expected");
            }
        }
    }

    private List<Object> array(int depth) {
        at++;
        List<Object> l = new ArrayList<>();
        space();
        if (peek() == ']') {
            at++;
            return l;
        }
        while (true) {
            space();
            l.add(value(depth + 1));
            space();
            char c = next();
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                throw error("',' or ']' expected");
            }
        }
    }

    private String string() {
        at++;
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error("a control character in a string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("a \\u escape cut short");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(text.charAt(at + i), 16);
                        if (d < 0) {
                            throw error("a \\u escape with a non-hex digit");
                        }
                        code = code * 16 + d;
                    }
                    at += 4;
                    b.append((char) code);
                }
                default -> throw error("unknown escape '\\" + e + "'");
            }
        }
    }

    private Double number() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else if (digits() == 0) {
            throw error("a digit expected");
        }
        if (peek() == '.') {
            at++;
            if (digits() == 0) {
                throw error("a digit expected after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            if (digits() == 0) {
                throw error("a digit expected in the exponent");
            }
        }
        return Double.parseDouble(text.substring(start, at));
    }

    private int digits() {
        int n = 0;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
            n++;
        }
        return n;
    }

    private Object word(String w, Object v) {
        if (!text.startsWith(w, at)) {
            throw error("'" + w + "' expected");
        }
        at += w.length();
        return v;
    }

    private void space() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    /** The next character, or 0 at the end (0 is never valid where peek is asked). */
    private char peek() {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private char next() {
        if (at >= text.length()) {
            throw error("the text ended early");
        }
        return text.charAt(at++);
    }

    private void expect(char c) {
        if (next() != c) {
            at--;
            throw error("'" + c + "' expected");
        }
    }

    private JsonException error(String what) {
        return new JsonException(what + " at offset " + at);
    }

    private static void write(StringBuilder b, Object v, int indent) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Boolean z) {
            b.append(z);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                quote(b, Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15 && !(d == 0 && 1 / d < 0)) {
                b.append((long) d);
            } else {
                b.append(d);
            }
        } else if (v instanceof String s) {
            quote(b, s);
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                pad(b, indent + 1);
                quote(b, (String) e.getKey());
                b.append(": ");
                write(b, e.getValue(), indent + 1);
                b.append(++i < m.size() ? ",\n" : "\n");
            }
            pad(b, indent);
            b.append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                b.append("[]");
                return;
            }
            b.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                pad(b, indent + 1);
                write(b, l.get(i), indent + 1);
                b.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            pad(b, indent);
            b.append(']');
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
    }

    private static void pad(StringBuilder b, int indent) {
        b.append("  ".repeat(indent));
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
