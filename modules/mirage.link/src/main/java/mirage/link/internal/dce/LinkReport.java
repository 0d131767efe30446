package mirage.link.internal.dce;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the link removed, per module: the machine-readable report {@code _build/link-report.tsv}
 * ({@code ./mirage describe} reads it). The text is a header line, then one line per module in
 * module-name order, tab-separated:
 * <pre>
 * module	classesBefore	bytesBefore	classesAfter	bytesAfter
 * java.base	7400	29605395	3110	12000000
 * </pre>
 * Bytes are those of all the module's entries in the image (classes, resources, native
 * libraries, configuration files) before compression.
 *
 * @param modules one row per module, sorted by name
 */
public record LinkReport(List<Row> modules) {
    public static final String HEADER = "module\tclassesBefore\tbytesBefore\tclassesAfter\tbytesAfter";

    public LinkReport {
        modules = modules.stream().sorted(Comparator.comparing(Row::module)).toList();
    }

    /**
     * One module's counts.
     *
     * @param module the module's name
     * @param classesBefore its classes as linked
     * @param bytesBefore the bytes of its entries as linked
     * @param classesAfter its classes in the image
     * @param bytesAfter the bytes of its entries in the image
     */
    public record Row(String module, int classesBefore, long bytesBefore, int classesAfter, long bytesAfter) {
        public Row {
            if (module.isEmpty() || module.indexOf('\t') >= 0 || module.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("not a module name: '" + module + "'");
            }
            if (classesBefore < 0 || bytesBefore < 0 || classesAfter < 0 || bytesAfter < 0
                    || classesAfter > classesBefore || bytesAfter > bytesBefore) {
                throw new IllegalArgumentException("counts of " + module + " are not a removal: " + classesBefore + " "
                        + bytesBefore + " " + classesAfter + " " + bytesAfter);
            }
        }
    }

    /** The text form. Deterministic. */
    public String encode() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Row r : modules) {
            b.append(r.module()).append('\t').append(r.classesBefore()).append('\t').append(r.bytesBefore()).append('\t')
                    .append(r.classesAfter()).append('\t').append(r.bytesAfter()).append('\n');
        }
        return b.toString();
    }

    /**
     * Reads the text form.
     *
     * @throws IllegalArgumentException naming the line, for anything else
     */
    public static LinkReport parse(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("not a link report: the first line is not the header");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty() && i == lines.length - 1) {
                break;
            }
            String[] f = lines[i].split("\t", -1);
            if (f.length != 5) {
                throw new IllegalArgumentException("link report line " + (i + 1) + ": expected 5 fields, not " + f.length);
            }
            try {
                rows.add(new Row(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
                        Long.parseLong(f[4])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("link report line " + (i + 1) + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("link report line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new LinkReport(rows);
    }
}
