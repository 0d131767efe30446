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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Renders a {@code module-info.class} as stable text: one line per directive, in the fixed
 * section order header, requires, exports, opens, uses, provides, main-class; lines sorted
 * within a section, {@code to} targets sorted; {@code with} providers kept in declared order,
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
        List<String> requires = new ArrayList<>();
        for (ModuleRequireInfo r : module.requires()) {
            requires.add("requires " + modifiers(r.requiresFlags(), false)
                    + r.requires().name().stringValue());
        }
        List<String> exports = new ArrayList<>();
        for (ModuleExportInfo e : module.exports()) {
            exports.add("exports " + modifiers(e.exportsFlags(), false)
                    + dotted(e.exportedPackage().name().stringValue()) + targets(e.exportsTo()));
        }
        List<String> opens = new ArrayList<>();
        for (ModuleOpenInfo o : module.opens()) {
            opens.add("opens " + modifiers(o.opensFlags(), false)
                    + dotted(o.openedPackage().name().stringValue()) + targets(o.opensTo()));
        }
        List<String> uses = new ArrayList<>();
        for (ClassEntry u : module.uses()) {
            uses.add("uses " + dotted(u.asInternalName()));
        }
        List<String> provides = new ArrayList<>();
        for (ModuleProvideInfo p : module.provides()) {
            provides.add("provides " + dotted(p.provides().asInternalName()) + " with "
                    + String.join(", ", p.providesWith().stream()
                            .map(c -> dotted(c.asInternalName())).toList()));
        }
        List<String> main = new ArrayList<>();
        model.findAttribute(Attributes.moduleMainClass())
                .ifPresent(m -> main.add("main-class " + dotted(m.mainClass().asInternalName())));
        for (List<String> section : List.of(requires, exports, opens, uses, provides, main)) {
            section.stream().sorted().forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
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
