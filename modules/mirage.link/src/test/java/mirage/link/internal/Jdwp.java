package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A minimal JDWP client for tests: attaches to a JVM started suspended with the JDWP agent,
 * does the handshake, asks the VM's version and resumes it (JDWP spec: packets of an 11-byte
 * header; command set 1 VirtualMachine, command 1 Version, command 9 Resume).
 */
final class Jdwp {
    private static final int TIMEOUT_MS = 60_000;
    private static final byte[] HANDSHAKE = "JDWP-Handshake".getBytes(StandardCharsets.US_ASCII);

    private Jdwp() {}

    /**
     * Starts {@code java -agentlib:jdwp=...,suspend=y -m main}, attaches, checks the version
     * reply, resumes, and asserts the program then prints {@code firstLine} and exits 0.
     */
    static void assertAttaches(Path java, String main, String firstLine) throws Exception {
        Process p = new ProcessBuilder(List.of(java.toString(),
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0", "-m", main))
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String listening = out.readLine();
            String prefix = "Listening for transport dt_socket at address: ";
            assertTrue(listening != null && listening.startsWith(prefix), "the agent listens: " + listening);
            int port = Integer.parseInt(listening.substring(prefix.length()).strip());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
                s.setSoTimeout(TIMEOUT_MS);
                DataOutputStream o = new DataOutputStream(s.getOutputStream());
                DataInputStream i = new DataInputStream(s.getInputStream());
                o.write(HANDSHAKE);
                o.flush();
                byte[] reply = new byte[HANDSHAKE.length];
                i.readFully(reply);
                assertArrayEquals(HANDSHAKE, reply, "the JDWP handshake");
                command(o, 1, 1, 1);
                byte[] version = reply(i, 1);
                assertTrue(version.length > 4, "a version reply with a description");
                command(o, 2, 1, 9);
                reply(i, 2);
                assertEquals(firstLine, out.readLine(), "the program runs once resumed");
            }
            assertTrue(p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS), "the program ends");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    private static void command(DataOutputStream o, int id, int set, int command) throws java.io.IOException {
        o.writeInt(11);
        o.writeInt(id);
        o.writeByte(0);
        o.writeByte(set);
        o.writeByte(command);
        o.flush();
    }

    /**
     * Reads packets up to the reply to {@code id} (skipping the VM's event packets, e.g. its
     * VMStart); asserts it carries no error; returns its data.
     */
    private static byte[] reply(DataInputStream i, int id) throws java.io.IOException {
        while (true) {
            int length = i.readInt();
            int packetId = i.readInt();
            int flags = i.readUnsignedByte();
            int errorOrCommand = i.readUnsignedShort();
            byte[] data = new byte[length - 11];
            i.readFully(data);
            if (flags == 0x80 && packetId == id) {
                assertEquals(0, errorOrCommand, "no JDWP error");
                return data;
            }
        }
    }
}
