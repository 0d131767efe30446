package mirage.platform.xen.internal.binding.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import mirage.platform.xen.internal.XenSim;
import mirage.platform.xen.internal.binding.back.ConsoleBack;
import mirage.platform.xen.internal.wire.ByteRingLayout;
import org.junit.jupiter.api.Test;

/** The PV console: ConsoleFront's lines through the console page to ConsoleBack (xenconsoled). */
class ConsoleTest {
    @Test
    void linesWaitForRoomAtMostTwoSeconds_thenAreDroppedAndCounted_andTheRestArrivesWhole() throws Exception {
        try (XenSim x = new XenSim(9)) {
            XenSim.Guest g = x.guest("guest");
            ConsoleFront console = ConsoleFront.open(g.domain(), g.events(), g.blocker());
            int ring = ByteRingLayout.CONSOLE_OUT.size();
            String line = "x".repeat(99); // 100 bytes with its newline
            int fit = ring / 100;
            String late = "y".repeat(199); // 200 bytes: more than the room left
            long[] waited = new long[1];
            x.run(Duration.ofSeconds(30), () -> {
                for (int i = 0; i < fit; i++) {
                    console.println(line);
                }
                assertEquals(0, console.dropped(), "what fits the ring is kept");
                long before = x.sim.now();
                console.println(late);
                waited[0] = x.sim.now() - before;
            });
            assertEquals(ConsoleFront.WAIT, waited[0], "the line waited its deadline, no longer");
            // the part that fitted stays; the rest of the line is dropped and counted
            long room = ring - fit * 100L;
            assertTrue(room < 200);
            assertEquals(200 - room, console.dropped());

            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            ConsoleBack back = ConsoleBack.connect(x.back, g.domid(), g.domain().startInfo().consolePort(), sink);
            x.runFor(Duration.ofMillis(1));
            x.run(Duration.ofSeconds(30), () -> {
                for (int i = 0; i < 3 * fit; i++) {
                    console.println(i + " " + line);
                }
            });
            x.runFor(Duration.ofMillis(1));
            String out = sink.toString(StandardCharsets.US_ASCII);
            assertTrue(out.startsWith((line + "\n").repeat(fit) + "y".repeat((int) room) + "0 " + line + "\n"),
                    "the lines held in the ring come first, then the part of the late line that fitted");
            for (int i = 1; i < 3 * fit; i++) {
                assertTrue(out.contains("\n" + i + " " + line + "\n"), "line " + i + " arrived whole");
            }
            assertEquals(200 - room, console.dropped(), "nothing more dropped once the back end drains");
            back.close();
        }
    }
}
