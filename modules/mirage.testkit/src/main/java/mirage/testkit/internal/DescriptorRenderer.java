package mirage.testkit.internal;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.attribute.ModuleAttribute;
import java.lang.classfile.attribute.ModuleExportInfo;
import java.lang.classfile.attribute.ModuleOpenInfo;
import java.lang.classfile.attribute.ModuleProvideInfo;
import java.lang.classfile.attribute.ModuleRequireInfo;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.ModuleEntry;
import java.lang.reflect.AccessFlag;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@code module-info.class} as stable text: one line per directive, in the fixed
 * section order header, requires, exports, opens, uses, provides, main-class; lines sorted
 * by module, package or service name within a section, {@code to} targets sorted; {@code with} providers kept in declared order,
 * since {@link java.util.ServiceLoader} iterates them in that order. Versions (of the module
 * and of required modules) are left out: they change with the build, not with the surface.
 */
public final class DescriptorRenderer {
    private DescriptorRenderer() {}

    public static String render(byte[] moduleInfo) {
        ClassModel model = ClassFile.of().parse(moduleInfo);
        ModuleAttribute module = model.findAttribute(Attributes.module()).orElseThrow(
                () -> new IllegalArgumentException("not a module-info.class: no Module attribute"));
        StringBuilder out = new StringBuilder();
        out.append(modifiers(module.moduleFlags(), true))
                .append("module ").append(module.moduleName().name().stringValue()).append('\n');
        Section requires = new Section();
        for (ModuleRequireInfo r : module.requires()) {
            String name = r.requires().name().stringValue();
            requires.add(name, "requires " + modifiers(r.requiresFlags(), false) + name);
        }
        Section exports = new Section();
        for (ModuleExportInfo e : module.exports()) {
            String name = dotted(e.exportedPackage().name().stringValue());
            exports.add(name, "exports " + modifiers(e.exportsFlags(), false) + name + targets(e.exportsTo()));
        }
        Section opens = new Section();
        for (ModuleOpenInfo o : module.opens()) {
            String name = dotted(o.openedPackage().name().stringValue());
            opens.add(name, "opens " + modifiers(o.opensFlags(), false) + name + targets(o.opensTo()));
        }
        Section uses = new Section();
        for (ClassEntry u : module.uses()) {
            uses.add(dotted(u.asInternalName()), "uses " + dotted(u.asInternalName()));
        }
        Section provides = new Section();
        for (ModuleProvideInfo p : module.provides()) {
            String service = dotted(p.provides().asInternalName());
            provides.add(service, "provides " + service + " with "
                    + String.join(", ", p.providesWith().stream()
                            .map(c -> dotted(c.asInternalName())).toList()));
        }
        Section main = new Section();
        model.findAttribute(Attributes.moduleMainClass()).ifPresent(m -> main.add("",
                "main-class " + dotted(m.mainClass().asInternalName())));
        for (Section section : List.of(requires, exports, opens, uses, provides, main)) {
            section.lines.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(line -> out.append(line.getValue()).append('\n'));
        }
        return out.toString();
    }

    /** The lines of one section, keyed by the name they are sorted by (then by the line). */
    private static final class Section {
        final Map<String, String> lines = new HashMap<>();

        void add(String name, String line) {
            lines.put(name + '\u0000' + line, line);
        }
    }

    private static String targets(List<ModuleEntry> to) {
        if (to.isEmpty()) {
            return "";
        }
        return " to " + String.join(", ", to.stream().map(m -> m.name().stringValue()).sorted().toList());
    }

    /** Source-order modifiers, then the ones only a class file shows (synthetic, mandated). */
    private static String modifiers(Set<AccessFlag> flags, boolean module) {
        StringBuilder s = new StringBuilder();
        if (module && flags.contains(AccessFlag.OPEN)) {
            s.append("open ");
        }
        if (flags.contains(AccessFlag.STATIC_PHASE)) {
            s.append("static ");
        }
        if (flags.contains(AccessFlag.TRANSITIVE)) {
            s.append("transitive ");
        }
        if (flags.contains(AccessFlag.SYNTHETIC)) {
            s.append("synthetic ");
        }
        if (flags.contains(AccessFlag.MANDATED)) {
            s.append("mandated ");
        }
        return s.toString();
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }
}
