package mirage.link.internal;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A build's {@value #FILE} ({@code DIR/_build}): per module, its classes and their bytes before
 * and after the link removed unreachable classes. Tab-separated: the header line
 * {@value #HEADER}, then one line per module, each module once; numbers are decimal, 0 to
 * 10^18 - 1. A final newline is optional; {@code \r\n} line ends are accepted.
 *
 * @param rows the lines, by module
 */
record LinkReport(SortedMap<String, Row> rows) {
    static final String FILE = "link-report.tsv";
    static final String HEADER = "module\tclassesBefore\tbytesBefore\tclassesAfter\tbytesAfter";
    /** The longest report read, in characters: far more than any image's modules need. */
    static final int MAX_LENGTH = 1 << 20;

    /** One module's line. */
    record Row(long classesBefore, long bytesBefore, long classesAfter, long bytesAfter) {}

    LinkReport {
        rows = Collections.unmodifiableSortedMap(new TreeMap<>(rows));
    }

    /**
     * Parses a report.
     *
     * @throws LinkException naming the line, if the text is not a report as described above
     */
    static LinkReport parse(String text) throws LinkException {
        if (text.length() > MAX_LENGTH) {
            throw new LinkException(FILE + " is longer than " + MAX_LENGTH + " characters");
        }
        String[] lines = text.split("\n", -1);
        int count = lines.length;
        if (count > 1 && lines[count - 1].isEmpty()) {
            count--; // the final newline
        }
        if (!strip(lines[0]).equals(HEADER)) {
            throw new LinkException(FILE + " line 1: not the header '" + Plan.escape(HEADER) + "'");
        }
        SortedMap<String, Row> rows = new TreeMap<>();
        for (int i = 1; i < count; i++) {
            String where = FILE + " line " + (i + 1) + ": ";
            String[] f = strip(lines[i]).split("\t", -1);
            if (f.length != 5) {
                throw new LinkException(where + f.length + " fields, not 5");
            }
            if (!isModuleName(f[0])) {
                throw new LinkException(where + "'" + Plan.escape(f[0]) + "' is not a module name");
            }
            Row row = new Row(number(f[1], where), number(f[2], where), number(f[3], where), number(f[4], where));
            if (rows.put(f[0], row) != null) {
                throw new LinkException(where + "module " + f[0] + " appears twice");
            }
        }
        return new LinkReport(rows);
    }

    /** The text form {@link #parse} reads: header, then one line per module, sorted. */
    String encode() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        rows.forEach((m, r) -> b.append(m).append('\t').append(r.classesBefore()).append('\t').append(r.bytesBefore())
                .append('\t').append(r.classesAfter()).append('\t').append(r.bytesAfter()).append('\n'));
        return b.toString();
    }

    private static String strip(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static long number(String field, String where) throws LinkException {
        if (field.isEmpty() || field.length() > 18) {
            throw new LinkException(where + "'" + Plan.escape(field) + "' is not a count");
        }
        for (int i = 0; i < field.length(); i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '9') {
                throw new LinkException(where + "'" + Plan.escape(field) + "' is not a count");
            }
        }
        return Long.parseLong(field);
    }

    /** Dot-separated Java identifiers, as module names are. */
    static boolean isModuleName(String name) {
        if (name.isEmpty() || name.length() > 1000) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.codePointAt(0))) {
                return false;
            }
            if (!part.codePoints().allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }
}
