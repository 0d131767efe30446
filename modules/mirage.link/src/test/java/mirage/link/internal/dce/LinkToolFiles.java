package mirage.link.internal.dce;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.attribute.ModuleMainClassAttribute;
import java.lang.constant.ClassDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import mirage.link.internal.LinkException;
import mirage.link.internal.LinkTool;

/** Test helpers for modules on disk. */
final class LinkToolFiles {
    private LinkToolFiles() {}

    /** Copies the exploded module {@code from} to {@code to}, naming {@code mainClass} in its descriptor. */
    static void copyWithMainClass(Path from, Path to, String mainClass) throws IOException, LinkException {
        LinkTool.copyTree(from, to);
        Path info = to.resolve("module-info.class");
        ClassFile cf = ClassFile.of();
        byte[] rewritten = cf.transformClass(cf.parse(Files.readAllBytes(info)),
                ClassTransform.endHandler(cb -> cb.with(ModuleMainClassAttribute.of(ClassDesc.of(mainClass)))));
        Files.write(info, rewritten);
    }
}
