package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.net.MacAddress;
import mirage.net.Netif;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bound net device against the Linux kernel on the other side of its link, the same checks
 * for every binding that reaches a kernel (a TAP, a raw interface): the kernel answers our
 * hand-built ARP request and ICMP echo requests, and takes a TCP super-frame sent through the
 * segmentation offload whole. A subclass makes the link, binds {@link #platform}'s device
 * {@code service} with {@link #MAC} to it, gives the kernel's side {@link #kernelIp}/24 and
 * brings it up; it undoes all of that after each test. Needs root: subclasses skip otherwise.
 */
abstract class KernelPeerTest {
    static final MacAddress MAC = MacAddress.parse("02:6d:69:72:00:01");
    static final SecureRandom RANDOM = new SecureRandom();

    byte[] kernelIp;
    byte[] ourIp;
    Solo5Platform platform;
    Netif netif;
    final List<byte[]> received = new ArrayList<>();

    /** Makes the link, sets {@link #kernelIp}, {@link #ourIp}, {@link #platform} and {@link #netif}, the kernel's side up. */
    abstract void attachLink() throws Exception;

    /** {@code ip link show} of the kernel's side of the link. */
    abstract String kernelLink() throws Exception;

    /** A counter of the kernel's side of the link ({@code rx_packets}, ...): what it received is what we sent. */
    abstract long kernelRx(String counter) throws Exception;

    @BeforeEach
    final void attach() throws Exception {
        attachLink();
        netif.listen(frame -> {
            byte[] b = new byte[frame.remaining()];
            frame.get(frame.position(), b);
            answerArp(b);
            received.add(b);
        });
    }

    static String ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** Answers the kernel's ARP requests for our address, as a stack would. */
    void answerArp(byte[] f) {
        if (f.length >= 42 && type(f) == 0x0806 && f[21] == 1 && java.util.Arrays.equals(f, 38, 42, ourIp, 0, 4)) {
            byte[] kernelMac = java.util.Arrays.copyOfRange(f, 6, 12);
            try {
                netif.send(ByteBuffer.wrap(arp(2, kernelMac, f, kernelMac)));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    static int type(byte[] f) {
        return (f[12] & 0xff) << 8 | (f[13] & 0xff);
    }

    /** An ARP frame from us: op 1 (request, to broadcast) or 2 (reply to {@code to}). */
    byte[] arp(int op, byte[] to, byte[] request, byte[] targetMac) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(to).put(MAC.toBytes()).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
        b.put(MAC.toBytes()).put(ourIp);
        if (op == 1) {
            b.put(new byte[6]).put(kernelIp);
        } else {
            b.put(targetMac).put(request, 28, 4);
        }
        return b.array();
    }

    static int checksum(byte[] b, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i += 2) {
            sum += (b[i] & 0xff) << 8 | (i + 1 < to ? b[i + 1] & 0xff : 0);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) ~sum & 0xffff;
    }

    byte[] echoRequest(byte[] kernelMac, int id, int seq, byte[] payload) {
        int ipLength = 20 + 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(14 + ipLength);
        b.put(kernelMac).put(MAC.toBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 0x1234).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 1).putShort((short) 0).put(ourIp).put(kernelIp);
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(payload);
        byte[] f = b.array();
        int ipSum = checksum(f, 14, 34);
        f[24] = (byte) (ipSum >> 8);
        f[25] = (byte) ipSum;
        int icmpSum = checksum(f, 34, f.length);
        f[36] = (byte) (icmpSum >> 8);
        f[37] = (byte) icmpSum;
        return f;
    }

    byte[] await(java.util.function.Predicate<byte[]> wanted) {
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < limit) {
            for (byte[] f : received) {
                if (wanted.test(f)) {
                    return f;
                }
            }
            platform.yield(platform.monotonicNanos() + 50_000_000L);
        }
        throw new AssertionError("no such frame within 10 s; got " + received.size() + " others");
    }

    boolean isArpReply(byte[] f) {
        return f.length >= 42 && type(f) == 0x0806 && f[21] == 2 && java.util.Arrays.equals(f, 28, 32, kernelIp, 0, 4);
    }

    /** Sends our ARP request until the kernel answers (the first frames after "up" may be lost). */
    byte[] resolveKernel() throws Exception {
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < limit) {
            netif.send(ByteBuffer.wrap(arp(1, MacAddress.BROADCAST.toBytes(), null, null)));
            long until = platform.monotonicNanos() + 200_000_000L;
            while (platform.monotonicNanos() < until) {
                platform.yield(until);
                for (byte[] f : received) {
                    if (isArpReply(f)) {
                        return f;
                    }
                }
            }
        }
        throw new AssertionError("the kernel did not answer ARP for " + java.util.Arrays.toString(kernelIp));
    }

    @Test
    void theKernelAnswersOurArpRequest() throws Exception {
        byte[] reply = resolveKernel();
        assertArrayEquals(MAC.toBytes(), java.util.Arrays.copyOfRange(reply, 0, 6), "to us");
        assertArrayEquals(MAC.toBytes(), java.util.Arrays.copyOfRange(reply, 32, 38), "target hardware address is ours");
        assertArrayEquals(ourIp, java.util.Arrays.copyOfRange(reply, 38, 42));
        byte[] kernelMac = java.util.Arrays.copyOfRange(reply, 22, 28);
        String link = kernelLink();
        assertTrue(link.contains(MacAddress.of(kernelMac).toString()), link);
        Netif.Stats s = netif.stats();
        assertTrue(s.txFrames() >= 1 && s.rxFrames() >= 1 && s.rxErrors() == 0, s.toString());
    }

    @Test
    void theKernelAnswersOurPing() throws Exception {
        byte[] kernelMac = java.util.Arrays.copyOfRange(resolveKernel(), 22, 28);
        byte[] payload = new byte[56];
        RANDOM.nextBytes(payload);
        for (int seq = 1; seq <= 3; seq++) {
            netif.send(ByteBuffer.wrap(echoRequest(kernelMac, 0x6d6a, seq, payload)));
            int s = seq;
            byte[] reply = await(f -> f.length >= 42 + 56 && type(f) == 0x0800 && f[23] == 1 && f[34] == 0
                    && ((f[38] & 0xff) << 8 | (f[39] & 0xff)) == 0x6d6a && ((f[40] & 0xff) << 8 | (f[41] & 0xff)) == s);
            assertArrayEquals(kernelIp, java.util.Arrays.copyOfRange(reply, 26, 30), "from the kernel's address");
            assertArrayEquals(ourIp, java.util.Arrays.copyOfRange(reply, 30, 34), "to ours");
            assertArrayEquals(payload, java.util.Arrays.copyOfRange(reply, 42, 42 + 56), "payload echoed");
            assertEquals(0, checksum(reply, 14, 34), "IP header checksum");
            assertEquals(0, checksum(reply, 34, 14 + (((reply[16] & 0xff) << 8) | (reply[17] & 0xff))), "ICMP checksum");
        }
    }

    /**
     * A TCP super-frame through the segmentation offload (virtio_net_hdr GSO_TCPV4 with a
     * partial checksum): the kernel takes it whole (its TAP counts one packet of the frame's
     * length), trusts the partial checksum, and answers the closed port with one reset at the
     * acknowledgment number the frame carried.
     */
    @Test
    void aTcpSuperFrame_isTakenWhole_andTheClosedPortAnswersWithAReset() throws Exception {
        byte[] kernelMac = java.util.Arrays.copyOfRange(resolveKernel(), 22, 28);
        int payload = 3000;
        int tcpLength = 20 + payload;
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + tcpLength);
        b.put(kernelMac).put(MAC.toBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcpLength)).putShort((short) 0x4321).putShort((short) 0)
                .put((byte) 64).put((byte) 6).putShort((short) 0).put(ourIp).put(kernelIp);
        byte[] f = b.array();
        int ipSum = checksum(f, 14, 34);
        f[24] = (byte) (ipSum >> 8);
        f[25] = (byte) ipSum;
        b.position(34);
        b.putShort((short) 40009).putShort((short) 9).putInt(1000).putInt(5555).put((byte) 0x50).put((byte) 0x10)
                .putShort((short) 1000).putShort((short) 0).putShort((short) 0);
        long seed = 6 + tcpLength;
        for (byte[] a : new byte[][] {ourIp, kernelIp}) {
            seed += (a[0] & 0xff) << 8 | (a[1] & 0xff);
            seed += (a[2] & 0xff) << 8 | (a[3] & 0xff);
        }
        while (seed >> 16 != 0) {
            seed = (seed & 0xffff) + (seed >> 16);
        }
        b.putShort(34 + 16, (short) seed); // the folded pseudo-header sum, uncomplemented
        long rxBefore = kernelRx("rx_packets");
        long bytesBefore = kernelRx("rx_bytes");
        netif.tcpSegmentation().orElseThrow().send(ByteBuffer.wrap(f), 1000);
        byte[] reset = await(r -> r.length >= 54 && type(r) == 0x0800 && r[23] == 6
                && ((r[34] & 0xff) << 8 | (r[35] & 0xff)) == 9 && ((r[36] & 0xff) << 8 | (r[37] & 0xff)) == 40009);
        assertEquals(0x04, reset[47] & 0x04, "RST");
        assertEquals(5555, ByteBuffer.wrap(reset).getInt(38), "at the acknowledgment number we sent");
        assertEquals(0, netif.stats().txErrors(), netif.stats().toString());
        long packets = kernelRx("rx_packets") - rxBefore;
        long bytes = kernelRx("rx_bytes") - bytesBefore;
        // one packet of the whole frame (and an ARP reply of 42 bytes if the kernel asked meanwhile)
        assertTrue(packets == 1 && bytes == f.length || packets == 2 && bytes == f.length + 42, packets + " packets, " + bytes + " bytes");
    }

}
