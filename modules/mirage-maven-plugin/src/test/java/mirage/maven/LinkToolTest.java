package mirage.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkToolTest {

    private static Path fakeJdk(Path dir, String version) throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(dir.resolve("bin/java"), "#!/bin/sh\n");
        java.toFile().setExecutable(true);
        Files.writeString(dir.resolve("bin/jlink"), "");
        Files.writeString(dir.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n", StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void theRunningJdkServes() {
        assertEquals(java.util.Optional.empty(), LinkTool.checkJdk(Path.of(System.getProperty("java.home"))));
    }

    @Test
    void anOlderJdkIsRefusedWithWhatToSet(@TempDir Path dir) throws Exception {
        String why = LinkTool.checkJdk(fakeJdk(dir, "17.0.12")).orElseThrow();
        assertTrue(why.startsWith("mirage: ") && why.contains("JDK 17.0.12") && why.contains("mirage.javaHome"), why);
        assertTrue(LinkTool.checkJdk(fakeJdk(dir, "25.0.1")).isEmpty());
        assertTrue(LinkTool.checkJdk(fakeJdk(dir, "26")).isEmpty());
    }

    @Test
    void aDirectoryThatIsNoJdkIsRefused(@TempDir Path dir) {
        assertTrue(LinkTool.checkJdk(dir).orElseThrow().contains("is not a JDK"));
    }

    @Test
    void theCommandRunsTheCliAsTheScriptDoes() {
        LinkTool tool = new LinkTool(Path.of("/jdk"), List.of(Path.of("/a/core.jar"), Path.of("/a/link.jar")));
        List<String> cmd = tool.commandLine(List.of("build", "/p"));
        assertEquals("/jdk/bin/java", cmd.get(0));
        assertEquals(List.of("-p", "/a/core.jar:/a/link.jar", "-m", LinkTool.MAIN, "build", "/p"),
                cmd.subList(cmd.size() - 6, cmd.size()));
        assertTrue(cmd.contains("jdk.jlink/jdk.tools.jlink.internal=mirage.link"));
    }

    @Test
    void theFailureMessageIsTheToolsOwn() {
        LinkTool.Result r = new LinkTool.Result(1, List.of(), List.of("mirage: compiling", "mirage: Config.java: no main", "x"));
        assertEquals("mirage: Config.java: no main", r.message());
        assertEquals("mirage: the link tool exited with status 3", new LinkTool.Result(3, List.of(), List.of()).message());
    }
}
