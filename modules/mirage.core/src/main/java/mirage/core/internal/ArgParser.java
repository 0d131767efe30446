package mirage.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mirage.core.ArgType;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.Arguments;
import mirage.core.RuntimeArg;
import mirage.core.internal.text.Printable;

/** The boot command-line parser behind {@link Arguments#parse}. */
public final class ArgParser {
    private ArgParser() {}

    public static Arguments parse(List<RuntimeArg<?>> declared, List<String> argv) throws ArgumentException {
        List<RuntimeArg<?>> decls = List.copyOf(declared);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < decls.size(); i++) {
            if (index.putIfAbsent(decls.get(i).name(), i) != null) {
                throw new IllegalArgumentException("runtime argument '" + decls.get(i).name() + "' declared twice");
            }
        }
        Object[] values = new Object[decls.size()];
        boolean[] given = new boolean[decls.size()];
        for (int i = 0; i < argv.size(); i++) {
            String element = argv.get(i);
            if (element.equals("--")) {
                break;
            }
            if (!element.startsWith("--") || element.length() == 2) {
                throw new ArgumentException(Problem.UNKNOWN, element,
                        "unexpected argument '" + Printable.of(element, 80) + "': arguments are --name=value");
            }
            int eq = element.indexOf('=');
            String name = eq < 0 ? element.substring(2) : element.substring(2, eq);
            String argument = "--" + name;
            Integer at = index.get(name);
            if (at == null) {
                throw new ArgumentException(Problem.UNKNOWN, argument,
                        "unknown argument " + Printable.of(argument, 80));
            }
            RuntimeArg<?> decl = decls.get(at);
            String text;
            if (eq >= 0) {
                text = element.substring(eq + 1);
            } else if (decl.type() == ArgType.BOOLEAN) {
                text = "true";
            } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("--")) {
                text = argv.get(++i);
            } else {
                throw new ArgumentException(Problem.MALFORMED, argument,
                        "missing value for " + argument + " (" + decl.type().metavar() + ")");
            }
            if (given[at]) {
                throw new ArgumentException(Problem.REPEATED, argument, argument + " given more than once");
            }
            values[at] = ArgValues.parse(decl.type(), argument, text);
            given[at] = true;
        }
        for (int i = 0; i < decls.size(); i++) {
            if (!given[i]) {
                RuntimeArg<?> decl = decls.get(i);
                if (decl.required()) {
                    throw new ArgumentException(Problem.MISSING, "--" + decl.name(),
                            "missing required argument --" + decl.name() + "=" + decl.type().metavar());
                }
                values[i] = decl.defaultValue().orElseThrow();
            }
        }
        return new Parsed(decls, values);
    }

    public static String usage(String program, List<RuntimeArg<?>> declared) {
        StringBuilder b = new StringBuilder();
        b.append("usage: ").append(program).append(declared.isEmpty() ? "" : " [ARGUMENT...]").append('\n');
        List<String> heads = new ArrayList<>();
        int width = 0;
        for (RuntimeArg<?> arg : declared) {
            String head = "--" + arg.name() + (arg.type() == ArgType.BOOLEAN ? "[=BOOL]" : "=" + arg.type().metavar());
            heads.add(head);
            width = Math.max(width, head.length());
        }
        for (int i = 0; i < declared.size(); i++) {
            RuntimeArg<?> arg = declared.get(i);
            b.append("  ").append(heads.get(i)).append(" ".repeat(width - heads.get(i).length() + 2)).append(arg.doc());
            b.append(arg.defaultText().map(d -> " (default: " + Printable.of(d) + ")").orElse(" (required)")).append('\n');
        }
        b.append("  --help").append(" ".repeat(Math.max(2, width - 4))).append("Show this help and exit.\n");
        return b.toString();
    }

    private record Parsed(List<RuntimeArg<?>> declared, Object[] values) implements Arguments {
        @Override
        public <T> T get(RuntimeArg<T> arg) {
            int at = declared.indexOf(arg);
            if (at < 0) {
                throw new IllegalArgumentException("runtime argument '" + arg.name() + "' is not declared");
            }
            @SuppressWarnings("unchecked")
            T value = (T) values[at];
            return value;
        }

        @Override
        public Object valueAt(int index) {
            return values[index];
        }
    }
}
