package mirage.platform.xen.internal.binding.front;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.platform.xen.internal.XenSim;
import mirage.platform.xen.internal.binding.back.Blkback;
import mirage.platform.xen.internal.binding.host.Toolstack;
import mirage.platform.xen.internal.wire.XenbusState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** blkfront and blkback on a simulated host, the disk a file. */
class BlkfrontBlkbackTest {
    static final int SIZE = 4 << 20;

    @TempDir
    Path dir;

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    Path disk(byte[] content) throws Exception {
        Path f = dir.resolve("disk.img");
        Files.write(f, content);
        return f;
    }

    @Test
    void geometryFromXenstore_readsAndWritesSplitIntoRequestsOfAtMost11Segments() throws Exception {
        byte[] content = random(SIZE, 1);
        Path file = disk(content);
        try (XenSim x = new XenSim(2)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVbd(g.domid(), Toolstack.XVDA, file.toString(), true);
            Blkback bb = Blkback.start(x.back, g.domid(), Toolstack.XVDA);
            Blkfront[] bf = new Blkfront[1];
            x.run(Duration.ofSeconds(30), () -> bf[0] = Blkfront.open(g.ctx(), "storage", 0, Toolstack.XVDA, Duration.ofSeconds(10)));
            Block b = bf[0];
            assertEquals(new Block.Info(512, SIZE / 512, true), b.info());
            assertEquals(XenbusState.CONNECTED, bf[0].frontendState());
            byte[] written = random(1 << 20, 2);
            x.run(Duration.ofSeconds(30), () -> {
                // the whole disk, through three buffers of odd sizes
                ByteBuffer a = ByteBuffer.allocate(512 * 3);
                ByteBuffer m = ByteBuffer.allocateDirect(SIZE - 512 * 4);
                ByteBuffer z = ByteBuffer.allocate(512);
                b.read(0, List.of(a, m, z));
                assertEquals(0, a.remaining() + m.remaining() + z.remaining(), "positions moved to the limits");
                byte[] got = new byte[SIZE];
                a.flip().get(got, 0, 512 * 3);
                m.flip().get(got, 512 * 3, SIZE - 512 * 4);
                z.flip().get(got, SIZE - 512, 512);
                assertArrayEquals(content, got);
                // 1 MiB at an odd sector: 24 requests of at most 44 KiB
                b.write(777, List.of(ByteBuffer.wrap(written)));
                b.flush();
                ByteBuffer back = ByteBuffer.allocate(written.length);
                b.read(777, List.of(back));
                assertArrayEquals(written, back.array());
            });
            System.arraycopy(written, 0, content, 777 * 512, written.length);
            assertArrayEquals(content, Files.readAllBytes(file), "the file holds what the guest wrote");
            long[] counts = bb.counts();
            long expectedRequests = (SIZE + 45055) / 45056 + 2 * ((written.length + 45055) / 45056) + 1;
            assertEquals(expectedRequests, counts[0], "requests of at most 11 pages, and one flush");
            assertEquals(0, counts[1], "no request failed");
        }
    }

    @Test
    void typedErrors_range_alignment_readOnly_closed() throws Exception {
        Path file = disk(random(1 << 20, 3));
        try (XenSim x = new XenSim(3)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVbd(g.domid(), Toolstack.XVDA, file.toString(), false);
            Blkback.start(x.back, g.domid(), Toolstack.XVDA);
            Blkfront[] bf = new Blkfront[1];
            x.run(Duration.ofSeconds(30), () -> bf[0] = Blkfront.open(g.ctx(), "storage", 0, Toolstack.XVDA, Duration.ofSeconds(10)));
            Blkfront b = bf[0];
            assertEquals(false, b.info().readWrite(), "mode r: read-only");
            x.run(Duration.ofSeconds(30), () -> {
                assertEquals(BlockException.Reason.OUT_OF_RANGE,
                        assertThrows(BlockException.class, () -> b.read(2047, List.of(ByteBuffer.allocate(1024)))).reason());
                assertEquals(BlockException.Reason.MISALIGNED,
                        assertThrows(BlockException.class, () -> b.read(0, List.of(ByteBuffer.allocate(100)))).reason());
                assertEquals(BlockException.Reason.READ_ONLY,
                        assertThrows(BlockException.class, () -> b.write(0, List.of(ByteBuffer.allocate(512)))).reason());
                b.read(2047, List.of(ByteBuffer.allocate(512)));
            });
            b.close();
            x.run(Duration.ofSeconds(5), () -> assertEquals(BlockException.Reason.DISCONNECTED,
                    assertThrows(BlockException.class, () -> b.read(0, List.of(ByteBuffer.allocate(512)))).reason()));
            x.runFor(Duration.ofMillis(1));
            assertEquals("6", x.xs0.readString("/local/domain/1/device/vbd/51712/state"));
        }
    }

    @Test
    void backendClosesMidWrite_frontendClosesToo_thenReconnects_andTheWriteCompletes() throws Exception {
        byte[] content = random(SIZE, 4);
        Path file = disk(content);
        try (XenSim x = new XenSim(4)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVbd(g.domid(), Toolstack.XVDA, file.toString(), true);
            Blkback[] bb = {Blkback.start(x.back, g.domid(), Toolstack.XVDA)};
            Blkfront[] bf = new Blkfront[1];
            x.run(Duration.ofSeconds(30), () -> bf[0] = Blkfront.open(g.ctx(), "storage", 0, Toolstack.XVDA, Duration.ofSeconds(10)));
            java.util.List<String> frontStates = new java.util.ArrayList<>();
            x.xs0.watch("/local/domain/1/device/vbd/51712/state", "front", (p, t) -> {
                try {
                    frontStates.add(x.xs0.readString(p));
                } catch (Exception e) {
                    frontStates.add("?");
                }
            });
            byte[] written = random(2 << 20, 5);
            mirage.time.Simulation.Task writer = x.sim.spawn("writer", () -> {
                bf[0].write(0, List.of(ByteBuffer.wrap(written)));
                bf[0].flush();
            });
            mirage.time.Simulation.Task operator = x.sim.spawn("operator", () -> {
                while (bb[0].counts()[0] < 10) {
                    x.sim.sleep().sleep(Duration.ZERO); // yield within the instant: the write is in progress
                }
                bb[0].shutdown();
                while (!frontStates.contains("6")) {
                    x.sim.sleep().sleep(Duration.ofMillis(1));
                }
                bb[0].close();
                bb[0] = Blkback.start(x.back, g.domid(), Toolstack.XVDA);
                while (!bf[0].connected()) {
                    x.sim.sleep().sleep(Duration.ofMillis(1));
                }
            });
            x.run(Duration.ofSeconds(60), () -> {
                while (!writer.done() || !operator.done()) {
                    x.sim.sleep().sleep(Duration.ofMillis(1));
                }
            });
            assertTrue(writer.failure().isEmpty(), () -> writer.failure().get().toString());
            assertTrue(operator.failure().isEmpty(), () -> operator.failure().get().toString());
            // events come after the front end's writes of a batch: each fires once, values read later
            assertEquals(6, frontStates.size(), "one event each: Connected (the watch's first), Closing, Closed, Initialising, Initialised, Connected "
                    + frontStates);
            assertTrue(frontStates.contains("6") && frontStates.getLast().equals("4"), frontStates.toString());
            assertTrue(writer.failure().isEmpty());
            assertTrue(bb[0].counts()[0] > 0, "the new back end served the requests left in flight");
            System.arraycopy(written, 0, content, 0, written.length);
            assertArrayEquals(content, Files.readAllBytes(file), "every request of the write reached the disk");
            assertTrue(bf[0].connected());
        }
    }

    @Test
    void backEndThatLiesAboutItsGeometry_openFailsNamingIt_andTheFrontEndCloses() throws Exception {
        Path file = disk(random(1 << 20, 6));
        try (XenSim x = new XenSim(6)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVbd(g.domid(), Toolstack.XVDA, file.toString(), true);
            String back = "/local/domain/0/backend/vbd/1/51712";
            String front = "/local/domain/1/device/vbd/51712";
            // no blkback: the control domain writes a back end's nodes by hand
            x.xs0.write(back + "/state", "2");
            XenDeviceException[] thrown = new XenDeviceException[1];
            mirage.time.Simulation.Task opener = x.sim.spawn("open", () -> thrown[0] = assertThrows(XenDeviceException.class,
                    () -> Blkfront.open(g.ctx(), "storage", 0, Toolstack.XVDA, Duration.ofSeconds(10))));
            x.run(Duration.ofSeconds(30), () -> {
                while (!"3".equals(x.xs0.readOrNull(front + "/state"))) {
                    x.sim.sleep().sleep(Duration.ofMillis(1));
                }
                x.xs0.write(back + "/sectors", "2048");
                x.xs0.write(back + "/sector-size", "1000");
                x.xs0.write(back + "/state", "4");
                while (!opener.done()) {
                    x.sim.sleep().sleep(Duration.ofMillis(1));
                }
            });
            assertTrue(opener.failure().isEmpty(), () -> opener.failure().get().toString());
            assertTrue(thrown[0].getMessage().contains("sector-size '1000'"), thrown[0].getMessage());
            x.runFor(Duration.ofMillis(10));
            assertEquals("6", x.xs0.readString(front + "/state"), "the front end closed");
        }
    }

    @Test
    void backEndThatReconnectsWithAnotherSize_failsTheDeviceForGood_typedErrorNothingWritten() throws Exception {
        byte[] content = random(1 << 20, 7);
        Path file = disk(content);
        try (XenSim x = new XenSim(7)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVbd(g.domid(), Toolstack.XVDA, file.toString(), true);
            Blkback[] bb = {Blkback.start(x.back, g.domid(), Toolstack.XVDA)};
            Blkfront[] bf = new Blkfront[1];
            x.run(Duration.ofSeconds(30), () -> bf[0] = Blkfront.open(g.ctx(), "storage", 0, Toolstack.XVDA, Duration.ofSeconds(10)));
            assertEquals(2048, bf[0].info().sizeSectors());
            x.run(Duration.ofSeconds(30), () -> {
                bb[0].shutdown();
                while (bf[0].connected()) {
                    x.sim.sleep().sleep(Duration.ofMillis(1));
                }
                bb[0].close();
                // the disk is now twice as large: the new back end reports another geometry
                Files.write(file, new byte[1 << 20], java.nio.file.StandardOpenOption.APPEND);
                bb[0] = Blkback.start(x.back, g.domid(), Toolstack.XVDA);
                while (bf[0].failure() == null) {
                    x.sim.sleep().sleep(Duration.ofMillis(1));
                }
                assertEquals(BlockException.Reason.DISCONNECTED, assertThrows(BlockException.class,
                        () -> bf[0].write(0, List.of(ByteBuffer.allocate(512)))).reason());
            });
            assertTrue(bf[0].failure().contains("another geometry"), bf[0].failure());
            assertEquals(2048, bf[0].info().sizeSectors(), "the device keeps the geometry it was opened with");
            byte[] now = Files.readAllBytes(file);
            assertArrayEquals(content, java.util.Arrays.copyOf(now, content.length), "nothing written");
        }
    }
}
