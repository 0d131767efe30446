package mirage.link.internal.reach;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The keep rules of one module: what it does that reachability analysis cannot see (reflection
 * by computed names, classes the JVM loads by itself, files read by path). The text form, one
 * file per module ({@code link-rules/MODULE.keep}, shipped in the link tool), has one directive a
 * line; {@code #} starts a comment; class names are binary names ({@code a.b.C$D}):
 *
 * <pre>
 * keep PATTERN [if CLASS...]   every class matching PATTERN is kept as if named by reflection
 *                              (loaded, initialized, constructed, every method reachable);
 *                              with "if", once one of the CLASSes is used by reachable code
 * instantiate PATTERN [if CLASS...]
 *                              every class matching PATTERN is instantiated by reflection
 *                              (loaded, initialized, constructed; its methods reachable as calls
 *                              on its supertypes dispatch to them), with "if" as above
 * keep-nest PATTERN            once a class matching PATTERN is used, its whole nest is kept so
 * reflects CLASS.METHOD        calling METHOD reflects on the caller's constants: the classes
 *                              (and class names) the calling method loads are kept so
 * unprovide SERVICE PROVIDER   the link drops "provides SERVICE with PROVIDER" from the module
 * file PATH if CLASS...        the image file PATH (e.g. lib/tzdb.dat) is kept only once one of
 *                              the CLASSes is used; files that no rule names are always kept
 * native NAME                  the JVM or its launcher loads lib/libNAME.so by itself
 * omit CLASS                   the class is left out of the image even if reachable: for a
 *                              feature of the JDK that an image does not offer (what reaches it
 *                              fails with NoClassDefFoundError); say which in a comment
 * spi TYPE                     a class named only by a string that extends TYPE is instantiated
 *                              only through TYPE's engine: it is kept once code calls TYPE
 * </pre>
 *
 * A PATTERN is a binary name in which {@code *} stands for any characters but {@code .} and
 * {@code **} for any characters: {@code a.b.*} is every class of package {@code a.b} (nested
 * ones too), {@code a.b.**} every class under it, {@code a.b.C$*} every class nested in
 * {@code C}. A class is <em>used</em> once it is initialized, instantiated or one of its methods
 * is reachable.
 *
 * @param module the module the rules belong to
 * @param rules the directives, in file order
 */
public record KeepRules(String module, List<Rule> rules) {
    private static final Pattern BINARY_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    private static final Pattern CLASS_PATTERN = Pattern.compile("[\\p{L}\\p{N}_$.*]+");
    private static final Pattern NATIVE_NAME = Pattern.compile("[A-Za-z0-9_.+-]+");
    private static final Pattern FILE_PATH = Pattern.compile("[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*");

    public KeepRules {
        rules = List.copyOf(rules);
    }

    /** One directive. */
    public sealed interface Rule {
        /** {@code keep PATTERN [if CLASS...]}; {@code when} is empty for an unconditional rule. */
        record Keep(ClassPattern pattern, List<String> when) implements Rule {
            public Keep {
                when = List.copyOf(when);
            }
        }

        /** {@code instantiate PATTERN [if CLASS...]}. */
        record Instantiate(ClassPattern pattern, List<String> when) implements Rule {
            public Instantiate {
                when = List.copyOf(when);
            }
        }

        /** {@code keep-nest PATTERN}. */
        record KeepNest(ClassPattern pattern) implements Rule {}

        /** {@code reflects CLASS.METHOD}. */
        record Reflects(String owner, String method) implements Rule {}

        /** {@code unprovide SERVICE PROVIDER}. */
        record Unprovide(String service, String provider) implements Rule {}

        /** {@code file PATH if CLASS...}. */
        record File(String path, List<String> when) implements Rule {
            public File {
                when = List.copyOf(when);
            }
        }

        /** {@code native NAME}. */
        record Native(String name) implements Rule {}

        /** {@code omit CLASS}. */
        record Omit(String name) implements Rule {}

        /** {@code spi TYPE}. */
        record Spi(String type) implements Rule {}
    }

    /**
     * A class-name pattern of the rules' text.
     *
     * @param text the pattern as written
     */
    public record ClassPattern(String text) {
        /** Whether {@code binaryName} matches (linear in the pattern times the name). */
        public boolean matches(String binaryName) {
            // can[j]: the pattern read so far matches the first j characters of the name
            int n = binaryName.length();
            boolean[] can = new boolean[n + 1];
            can[0] = true;
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                boolean[] next = new boolean[n + 1];
                if (c == '*') {
                    boolean deep = i + 1 < text.length() && text.charAt(i + 1) == '*';
                    boolean run = false;
                    for (int j = 0; j <= n; j++) {
                        if (j > 0 && !deep && binaryName.charAt(j - 1) == '.') {
                            run = false;
                        }
                        run |= can[j];
                        next[j] = run;
                    }
                    i += deep ? 2 : 1;
                } else {
                    for (int j = 0; j < n; j++) {
                        next[j + 1] = can[j] && binaryName.charAt(j) == c;
                    }
                    i++;
                }
                can = next;
            }
            return can[n];
        }

        /** What every name it matches starts with: the text before its first wildcard. */
        public String literalPrefix() {
            int star = text.indexOf('*');
            return star < 0 ? text : text.substring(0, star);
        }

        /** The exact class named, if the pattern has no wildcard. */
        public String exact() {
            return text.indexOf('*') < 0 ? text : null;
        }
    }

    /**
     * Reads the text form.
     *
     * @param source names the text in error messages (a file name)
     * @throws RuleException naming the line, for anything that is not a directive above
     */
    public static KeepRules parse(String module, String source, String text) throws RuleException {
        List<Rule> rules = new ArrayList<>();
        for (TextLines line : TextLines.of(text)) {
            String[] w = line.text().split("\\s+");
            String where = source + " line " + line.number() + ": ";
            rules.add(switch (w[0]) {
                case "keep" -> {
                    if (w.length < 2 || (w.length > 2 && (!w[2].equals("if") || w.length < 4))) {
                        throw new RuleException(where + "expected 'keep PATTERN [if CLASS...]'");
                    }
                    yield new Rule.Keep(pattern(w[1], where), classes(w, 3, where));
                }
                case "instantiate" -> {
                    if (w.length < 2 || (w.length > 2 && (!w[2].equals("if") || w.length < 4))) {
                        throw new RuleException(where + "expected 'instantiate PATTERN [if CLASS...]'");
                    }
                    yield new Rule.Instantiate(pattern(w[1], where), classes(w, 3, where));
                }
                case "keep-nest" -> {
                    if (w.length != 2) {
                        throw new RuleException(where + "expected 'keep-nest PATTERN'");
                    }
                    yield new Rule.KeepNest(pattern(w[1], where));
                }
                case "reflects" -> {
                    int dot = w.length == 2 ? w[1].lastIndexOf('.') : -1;
                    if (dot <= 0 || dot == w[1].length() - 1) {
                        throw new RuleException(where + "expected 'reflects CLASS.METHOD'");
                    }
                    yield new Rule.Reflects(className(w[1].substring(0, dot), where), member(w[1].substring(dot + 1), where));
                }
                case "unprovide" -> {
                    if (w.length != 3) {
                        throw new RuleException(where + "expected 'unprovide SERVICE PROVIDER'");
                    }
                    yield new Rule.Unprovide(className(w[1], where), className(w[2], where));
                }
                case "file" -> {
                    if (w.length < 4 || !w[2].equals("if")) {
                        throw new RuleException(where + "expected 'file PATH if CLASS...'");
                    }
                    if (!FILE_PATH.matcher(w[1]).matches()) {
                        throw new RuleException(where + "'" + w[1] + "' is not a relative file path");
                    }
                    yield new Rule.File(w[1], classes(w, 3, where));
                }
                case "native" -> {
                    if (w.length != 2 || !NATIVE_NAME.matcher(w[1]).matches()) {
                        throw new RuleException(where + "expected 'native NAME'");
                    }
                    yield new Rule.Native(w[1]);
                }
                case "omit" -> {
                    if (w.length != 2) {
                        throw new RuleException(where + "expected 'omit CLASS'");
                    }
                    yield new Rule.Omit(className(w[1], where));
                }
                case "spi" -> {
                    if (w.length != 2) {
                        throw new RuleException(where + "expected 'spi TYPE'");
                    }
                    yield new Rule.Spi(className(w[1], where));
                }
                default -> throw new RuleException(where + "unknown directive '" + w[0]
                        + "' (keep, instantiate, keep-nest, reflects, unprovide, file, native, omit, spi)");
            });
        }
        return new KeepRules(module, rules);
    }

    private static List<String> classes(String[] w, int from, String where) throws RuleException {
        List<String> out = new ArrayList<>();
        for (int i = from; i < w.length; i++) {
            out.add(className(w[i], where));
        }
        return out;
    }

    private static ClassPattern pattern(String s, String where) throws RuleException {
        if (!CLASS_PATTERN.matcher(s).matches() || s.startsWith(".") || s.endsWith(".") || s.contains("..")
                || s.contains("***")) {
            throw new RuleException(where + "'" + s + "' is not a class pattern");
        }
        return new ClassPattern(s);
    }

    private static String className(String s, String where) throws RuleException {
        if (!BINARY_NAME.matcher(s).matches()) {
            throw new RuleException(where + "'" + s + "' is not a binary class name");
        }
        return s;
    }

    private static String member(String s, String where) throws RuleException {
        if (!s.equals("<init>") && !BINARY_NAME.matcher(s).matches() || s.contains(".")) {
            throw new RuleException(where + "'" + s + "' is not a method name");
        }
        return s;
    }

    /** A keep file that is not well formed. */
    public static final class RuleException extends Exception {
        private static final long serialVersionUID = 1L;

        public RuleException(String message) {
            super(message);
        }
    }
}
