package escape;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mirage.core.Console;
import mirage.core.Unikernel;

/**
 * After boot: says {@code booted} and waits for a line on standard input (the test reads the
 * process's status meanwhile), then tries to read a host file, open a host socket and start a
 * process, reporting each outcome on the console; a sandboxed image is killed by the last.
 */
public final class Escape implements Unikernel {
    public void start(Console console, String file) throws Exception {
        console.println("booted");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        try {
            console.println("file: read " + Files.readString(Path.of(file)).length() + " characters");
        } catch (Exception e) {
            console.println("file: " + e.getClass().getName());
        }
        try (SocketChannel c = SocketChannel.open()) {
            console.println("socket: opened");
        } catch (Exception | Error e) {
            // an Error the first time: the JDK's socket classes probe the host with a socket as they initialize
            console.println("socket: " + e.getClass().getName() + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
        console.println("process: starting /bin/true");
        try {
            console.println("process: exited " + new ProcessBuilder("/bin/true").start().waitFor());
        } catch (Exception e) {
            console.println("process: " + e.getClass().getName());
        }
    }
}
