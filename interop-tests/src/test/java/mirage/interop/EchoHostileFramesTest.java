package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, hostile traffic: examples/echo on the direct stack through a TAP in a network
 * namespace receives malformed and adversarial frames at every layer, written raw onto the TAP
 * by a python3 {@code AF_PACKET} socket in the namespace (the frames are built here, byte by
 * byte, not by our own wire code): runt and unknown Ethernet frames; IPv4 headers with bad
 * versions, lengths and checksums; tiny, overlapping and oversized ("ping of death") fragments
 * and a flood of fragments that never complete; ICMP, UDP and TCP with bad lengths, checksums,
 * data offsets and options (zero-length and overrunning options, which loop naive parsers);
 * SYN+FIN, SYN+RST, null and Xmas segments; a land attack (a SYN from our own address and port
 * to itself); packets from a broadcast source; ARP with a bad hardware length, or claiming
 * our address for another MAC (a truncated ARP packet cannot be sent: Ethernet's padding
 * completes it). Afterwards the unikernel still answers ping and serves HTTP with
 * the right body, and its counters ({@code GET /stats}) show each kind dropped where it belongs.
 * Needs root; installs python3 if missing.
 */
class EchoHostileFramesTest {
    static final String TAP = "taphost";
    static final String US = "10.83.0.2";
    static final String PEER = "10.83.0.1";
    static final String MAC = "02:00:00:83:00:02";

    @TempDir
    static Path work;

    /**
     * Sends each line's frame ({@code name count hex}) count times on the interface, pausing 2 ms
     * after every 32 frames so that the TAP's queue (1,000 frames) does not overflow before the
     * unikernel reads it; prints {@code name sent refused}.
     */
    static final String INJECT = """
            import socket, sys, time
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((sys.argv[1], 0))
            total = 0
            for line in open(sys.argv[2]):
                name, count, frame = line.split()
                frame = bytes.fromhex(frame)
                sent = refused = 0
                for _ in range(int(count)):
                    try:
                        s.send(frame)
                        sent += 1
                    except OSError:
                        refused += 1
                    total += 1
                    if total % 32 == 0:
                        time.sleep(0.002)
                print(name, sent, refused, flush=True)
            """;

    @Test
    void hostileFrames_everyLayer_droppedAndCounted_stillServing() throws Exception {
        Host.assumeRoot();
        Host.require("python3", "python3-minimal");
        Host.require("curl", "curl");
        Path image = Mirage.buildExample("echo", work);
        try (Host.Netns ns = new Host.Netns("mirage-hostile")) {
            Path log = work.resolve("echo.log");
            Process echo = ns.startOnTap(log, TAP, PEER + "/24", "HTTP on port 80",
                    image.resolve("bin/echo").toString(), "--net:service=" + TAP,
                    "--net-mac:service=" + MAC, "--ipv4=" + US + "/24", "--ipv4-gateway=" + PEER, "--tls-name=echo.test");
            assertEquals(0, ns.execQuietly(Duration.ofSeconds(30), "ping", "-c", "1", "-W", "5", US).exit(), "answers ping before");
            byte[] peerMac = mac(ns.exec("cat", "/sys/class/net/" + TAP + "/address").out().strip());
            Map<String, Map<String, Long>> before = counters(ns, US);

            Frames f = new Frames(mac(MAC), peerMac, ip(PEER), ip(US));
            Path frames = work.resolve("frames.txt");
            Files.writeString(frames, f.all());
            Path script = work.resolve("inject.py");
            Files.writeString(script, INJECT);
            Mirage.Result inject = ns.execQuietly(Duration.ofMinutes(3), "python3", script.toString(), TAP, frames.toString());
            assertEquals(0, inject.exit(), inject.out() + inject.err());
            String injected = inject.out().lines().filter(l -> !l.startsWith("frag-flood ")).reduce("", (a, l) -> a + "  " + l + "\n");
            System.out.println("hostile frames (name sent refused), frag-flood's 2,000 lines left out:\n" + injected);
            Thread.sleep(2000); // what was sent is processed; a fragment's reassembly times out later, not needed here

            assertTrue(echo.isAlive(), "the unikernel survived:\n" + Host.read(log));
            assertEquals(0, ns.execQuietly(Duration.ofSeconds(30), "ping", "-c", "3", "-W", "5", US).exit(), "answers ping after");
            long n = 1_000_000;
            Mirage.Result body = ns.execQuietly(Duration.ofMinutes(2), "bash", "-c",
                    "set -o pipefail; curl -sS --max-time 60 http://" + US + "/bytes/" + n + " | sha256sum");
            assertEquals(0, body.exit(), body.err());
            assertTrue(body.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 of the body: " + body.out());

            Map<String, Map<String, Long>> after = counters(ns, US);
            System.out.println("counters that moved:\n" + moved(before, after));
            // each kind of garbage is seen and dropped by the layer it belongs to
            assertMoved(before, after, "ethernet", "unknownType");
            assertMoved(before, after, "ipv4", "headerErrors");
            assertMoved(before, after, "ipv4", "fragmentsReceived");
            assertMoved(before, after, "ipv4", "reassemblyFailures");
            assertMoved(before, after, "icmpv4", "malformed");
            assertMoved(before, after, "udp", "malformed");
            assertMoved(before, after, "udp", "checksumErrors");
            assertMoved(before, after, "tcp", "malformed");
            assertMoved(before, after, "arp", "malformed");
            assertMoved(before, after, "arp", "conflicts");
            // only the good pings were answered: the three after, and the one sent in 8-byte fragments
            // (not those with bad options, from impossible sources, or in overlapping fragments)
            assertEquals(before.get("icmpv4").get("echoRequestsReceived") + 4, after.get("icmpv4").get("echoRequestsReceived"),
                    moved(before, after));
            // the land SYN and the bad SYNs opened nothing
            assertEquals(before.get("tcp").get("passiveOpens") + 2, after.get("tcp").get("passiveOpens"),
                    "two passive opens since the first /stats (the download and the second /stats), none from the land SYN or the bad SYNs");
            assertTrue(echo.isAlive(), "the unikernel is still running");
        }
    }

    /** The counters by layer of the unikernel at {@code address}, from {@code GET /stats}. */
    static Map<String, Map<String, Long>> counters(Host.Netns ns, String address) {
        Mirage.Result r = ns.execQuietly(Duration.ofSeconds(60), "curl", "-sS", "--max-time", "30", "http://" + address + "/stats");
        assertEquals(0, r.exit(), r.err());
        Map<String, Map<String, Long>> layers = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("(\\w+)=(\\d+)");
        for (String line : r.out().split("\n")) {
            String[] parts = line.strip().split(" ", 2);
            if (parts.length == 2) {
                Map<String, Long> values = new LinkedHashMap<>();
                Matcher m = pair.matcher(parts[1]);
                while (m.find()) {
                    values.put(m.group(1), Long.parseLong(m.group(2)));
                }
                layers.put(parts[0], values);
            }
        }
        assertTrue(layers.keySet().containsAll(List.of("ethernet", "arp", "ipv4", "icmpv4", "udp", "tcp")), r.out());
        return layers;
    }

    static void assertMoved(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after, String layer, String counter) {
        long b = before.get(layer).get(counter);
        long a = after.get(layer).get(counter);
        assertTrue(a > b, layer + "." + counter + " did not move (" + b + " -> " + a + "); these did:\n" + moved(before, after));
    }

    static String moved(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after) {
        StringBuilder s = new StringBuilder();
        after.forEach((layer, values) -> values.forEach((name, v) -> {
            long b = before.getOrDefault(layer, Map.of()).getOrDefault(name, 0L);
            if (v != b) {
                s.append("  ").append(layer).append('.').append(name).append(' ').append(b).append(" -> ").append(v).append('\n');
            }
        }));
        return s.toString();
    }

    static byte[] mac(String text) {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    static byte[] ip(String text) {
        String[] p = text.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(p[i]);
        }
        return b;
    }

    /** The hostile frames, built byte by byte: {@code name count hex} lines. */
    static final class Frames {
        static final int ICMP = 1;
        static final int TCP = 6;
        static final int UDP = 17;
        final byte[] us;
        final byte[] peer;
        final byte[] peerIp;
        final byte[] usIp;
        final StringBuilder lines = new StringBuilder();
        int id = 0x4000;

        Frames(byte[] us, byte[] peer, byte[] peerIp, byte[] usIp) {
            this.us = us;
            this.peer = peer;
            this.peerIp = peerIp;
            this.usIp = usIp;
        }

        String all() {
            // Ethernet
            add("eth-runt-10", 5, Arrays.copyOf(eth(0x0800, new byte[0]), 10));
            add("eth-unknown-type", 5, eth(0x88b5, new byte[46]));
            add("eth-header-only", 5, eth(0x0800, new byte[0]));
            // IPv4 header
            byte[] ping = icmpEcho(8, 7, 1, new byte[32]);
            add("ip-truncated-header", 5, eth(0x0800, Arrays.copyOf(ipv4(peerIp, usIp, ICMP, ping), 10)));
            byte[] v6 = ipv4(peerIp, usIp, ICMP, ping);
            v6[0] = 0x65;
            add("ip-version-6", 5, eth(0x0800, v6));
            byte[] ihl4 = ipv4(peerIp, usIp, ICMP, ping);
            ihl4[0] = 0x44;
            add("ip-ihl-4", 5, eth(0x0800, checksummed(ihl4)));
            byte[] ihlLong = ipv4(peerIp, usIp, ICMP, ping);
            ihlLong[0] = 0x4f; // 60-byte header in a 20-byte one's place: longer than the total length allows
            ihlLong[2] = 0;
            ihlLong[3] = 40;
            add("ip-ihl-past-total", 5, eth(0x0800, checksummed(ihlLong)));
            byte[] tooLong = ipv4(peerIp, usIp, ICMP, ping);
            tooLong[2] = 0x07;
            tooLong[3] = (byte) 0xd0; // 2000 bytes claimed
            add("ip-total-beyond-frame", 5, eth(0x0800, checksummed(tooLong)));
            byte[] tooShort = ipv4(peerIp, usIp, ICMP, ping);
            tooShort[2] = 0;
            tooShort[3] = 12; // shorter than its own header
            add("ip-total-below-header", 5, eth(0x0800, checksummed(tooShort)));
            byte[] badSum = ipv4(peerIp, usIp, ICMP, ping);
            badSum[10] ^= 0x55;
            add("ip-bad-checksum", 5, eth(0x0800, badSum));
            byte[] optionZero = ipv4WithOptions(peerIp, usIp, ICMP, ping, new byte[] {0x07, 0x00, 0x00, 0x00});
            add("ip-option-length-0", 5, eth(0x0800, optionZero));
            byte[] optionOver = ipv4WithOptions(peerIp, usIp, ICMP, ping, new byte[] {0x07, 0x27, 0x04, 0x00});
            add("ip-option-overruns", 5, eth(0x0800, optionOver));
            add("ip-broadcast-source", 5, eth(0x0800, ipv4(ip("255.255.255.255"), usIp, ICMP, ping)));
            add("ip-multicast-source", 5, eth(0x0800, ipv4(ip("224.0.0.1"), usIp, ICMP, ping)));
            // fragments
            byte[] bigPing = icmpEcho(8, 8, 1, new byte[64]);
            fragments("frag-tiny", bigPing, 8, 0);
            fragments("frag-overlapping", bigPing, 16, 8);
            byte[] death = new byte[1000];
            add("frag-beyond-64k", 3, eth(0x0800, fragment(peerIp, usIp, ICMP, ++id, 8185, false, death))); // 65480 + 1000 > 65535
            add("frag-mf-odd-length", 3, eth(0x0800, fragment(peerIp, usIp, ICMP, ++id, 0, true, new byte[13])));
            for (int i = 0; i < 2000; i++) { // first fragments that never complete, each its own datagram
                add("frag-flood", 1, eth(0x0800, fragment(peerIp, usIp, UDP, ++id, 0, true, new byte[504])));
            }
            // ICMP
            byte[] icmpBad = icmpEcho(8, 9, 1, new byte[32]);
            icmpBad[2] ^= 0x33;
            add("icmp-bad-checksum", 5, eth(0x0800, ipv4(peerIp, usIp, ICMP, icmpBad)));
            add("icmp-truncated", 5, eth(0x0800, ipv4(peerIp, usIp, ICMP, new byte[] {8, 0, 0})));
            // UDP
            byte[] udpLong = udp(40000, 7, new byte[16]);
            udpLong[4] = 0x04; // length 1024 in a 24-byte datagram
            udpLong[6] = 0;
            udpLong[7] = 0;
            add("udp-length-beyond", 5, eth(0x0800, ipv4(peerIp, usIp, UDP, udpLong)));
            byte[] udpShort = udp(40000, 7, new byte[16]);
            udpShort[4] = 0;
            udpShort[5] = 4;
            udpShort[6] = 0;
            udpShort[7] = 0;
            add("udp-length-below-header", 5, eth(0x0800, ipv4(peerIp, usIp, UDP, udpShort)));
            byte[] udpSum = udp(40000, 7, new byte[16]);
            udpSum[6] ^= 0x21;
            add("udp-bad-checksum", 5, eth(0x0800, ipv4(peerIp, usIp, UDP, udpSum)));
            // TCP
            add("tcp-offset-4", 5, eth(0x0800, ipv4(peerIp, usIp, TCP, tcp(peerIp, usIp, 40001, 80, 0x02, new byte[0], 4))));
            add("tcp-offset-beyond", 5, eth(0x0800, ipv4(peerIp, usIp, TCP, tcp(peerIp, usIp, 40002, 80, 0x02, new byte[0], 15))));
            byte[] tcpSum = tcp(peerIp, usIp, 40003, 80, 0x02, new byte[0], 5);
            tcpSum[16] ^= 0x44;
            add("tcp-bad-checksum", 5, eth(0x0800, ipv4(peerIp, usIp, TCP, tcpSum)));
            add("tcp-option-length-0", 5, eth(0x0800, ipv4(peerIp, usIp, TCP,
                    tcp(peerIp, usIp, 40004, 80, 0x02, new byte[] {2, 0, 5, (byte) 0xb4}, 6))));
            add("tcp-option-length-1", 5, eth(0x0800, ipv4(peerIp, usIp, TCP,
                    tcp(peerIp, usIp, 40005, 80, 0x02, new byte[] {8, 1, 0, 0}, 6))));
            add("tcp-option-overruns", 5, eth(0x0800, ipv4(peerIp, usIp, TCP,
                    tcp(peerIp, usIp, 40006, 80, 0x02, new byte[] {1, 1, 3, 10}, 6))));
            add("tcp-mss-length-3", 5, eth(0x0800, ipv4(peerIp, usIp, TCP,
                    tcp(peerIp, usIp, 40007, 80, 0x02, new byte[] {2, 3, 5, 0}, 6))));
            add("tcp-syn-fin", 5, eth(0x0800, ipv4(peerIp, usIp, TCP, tcp(peerIp, usIp, 40008, 80, 0x03, new byte[0], 5))));
            add("tcp-syn-rst", 5, eth(0x0800, ipv4(peerIp, usIp, TCP, tcp(peerIp, usIp, 40009, 80, 0x06, new byte[0], 5))));
            add("tcp-null", 5, eth(0x0800, ipv4(peerIp, usIp, TCP, tcp(peerIp, usIp, 40010, 80, 0x00, new byte[0], 5))));
            add("tcp-xmas", 5, eth(0x0800, ipv4(peerIp, usIp, TCP, tcp(peerIp, usIp, 40011, 80, 0x29, new byte[0], 5))));
            add("tcp-land", 5, eth(0x0800, ipv4(usIp, usIp, TCP, tcp(usIp, usIp, 80, 80, 0x02, new byte[0], 5))));
            // ARP
            byte[] arpBadLength = arp(1, peer, peerIp, new byte[6], usIp);
            arpBadLength[4] = 7;
            add("arp-hardware-length-7", 5, eth(0x0806, arpBadLength));
            byte[] liar = {0x02, 0x66, 0x66, 0x66, 0x66, 0x66};
            add("arp-reply-claims-our-address", 3, eth(0x0806, arp(2, liar, usIp, peer, peerIp), liar));
            add("arp-request-from-our-address", 3, eth(0x0806, arp(1, liar, usIp, new byte[6], peerIp), liar));
            return lines.toString();
        }

        void add(String name, int count, byte[] frame) {
            lines.append(name).append(' ').append(count).append(' ').append(HexFormat.of().formatHex(frame)).append('\n');
        }

        /** {@code payload} in IPv4 fragments of {@code size} bytes, each starting {@code step} bytes after the last (overlapping when less). */
        void fragments(String name, byte[] payload, int size, int step) {
            int datagram = ++id;
            int at = 0;
            while (true) {
                int end = Math.min(at + size, payload.length);
                boolean more = end < payload.length;
                add(name, 1, eth(0x0800, fragment(peerIp, usIp, ICMP, datagram, at / 8, more, Arrays.copyOfRange(payload, at, end))));
                if (!more) {
                    return;
                }
                at += step == 0 ? size : step;
            }
        }

        byte[] eth(int type, byte[] payload) {
            return eth(type, payload, peer);
        }

        byte[] eth(int type, byte[] payload, byte[] source) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + payload.length));
            b.put(us).put(source).putShort((short) type).put(payload);
            return b.array();
        }

        byte[] ipv4(byte[] src, byte[] dst, int protocol, byte[] payload) {
            return ipv4WithOptions(src, dst, protocol, payload, new byte[0]);
        }

        byte[] ipv4WithOptions(byte[] src, byte[] dst, int protocol, byte[] payload, byte[] options) {
            int header = 20 + options.length;
            ByteBuffer b = ByteBuffer.allocate(header + payload.length);
            b.put((byte) (0x40 | header / 4)).put((byte) 0).putShort((short) (header + payload.length))
                    .putShort((short) ++id).putShort((short) 0).put((byte) 64).put((byte) protocol).putShort((short) 0)
                    .put(src).put(dst).put(options).put(payload);
            return checksummed(b.array());
        }

        byte[] fragment(byte[] src, byte[] dst, int protocol, int datagram, int offsetUnits, boolean more, byte[] part) {
            byte[] p = ipv4(src, dst, protocol, part);
            int flags = (more ? 0x2000 : 0) | offsetUnits;
            p[4] = (byte) (datagram >> 8);
            p[5] = (byte) datagram;
            p[6] = (byte) (flags >> 8);
            p[7] = (byte) flags;
            return checksummed(p);
        }

        /** {@code p} with its IPv4 header checksum recomputed over the header its IHL claims (20 bytes if that is past the end). */
        static byte[] checksummed(byte[] p) {
            int header = (p[0] & 0x0f) * 4;
            if (header < 20 || header > p.length) {
                header = 20;
            }
            p[10] = 0;
            p[11] = 0;
            int sum = sum(p, 0, header, 0);
            p[10] = (byte) (~sum >> 8);
            p[11] = (byte) ~sum;
            return p;
        }

        byte[] icmpEcho(int type, int ident, int seq, byte[] data) {
            ByteBuffer b = ByteBuffer.allocate(8 + data.length);
            b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) ident).putShort((short) seq).put(data);
            byte[] m = b.array();
            int sum = sum(m, 0, m.length, 0);
            m[2] = (byte) (~sum >> 8);
            m[3] = (byte) ~sum;
            return m;
        }

        byte[] udp(int from, int to, byte[] data) {
            ByteBuffer b = ByteBuffer.allocate(8 + data.length);
            b.putShort((short) from).putShort((short) to).putShort((short) (8 + data.length)).putShort((short) 0).put(data);
            byte[] d = b.array();
            int sum = sum(d, 0, d.length, pseudo(peerIp, usIp, UDP, d.length));
            d[6] = (byte) (~sum >> 8);
            d[7] = (byte) ~sum;
            return d;
        }

        /** A TCP segment with {@code options} and the data offset field set to {@code offsetWords} (whatever the real length). */
        byte[] tcp(byte[] src, byte[] dst, int from, int to, int flags, byte[] options, int offsetWords) {
            ByteBuffer b = ByteBuffer.allocate(20 + options.length);
            b.putShort((short) from).putShort((short) to).putInt(0x12345678).putInt(0)
                    .put((byte) (offsetWords << 4)).put((byte) flags).putShort((short) 64240).putShort((short) 0).putShort((short) 0)
                    .put(options);
            byte[] s = b.array();
            int sum = sum(s, 0, s.length, pseudo(src, dst, TCP, s.length));
            s[16] = (byte) (~sum >> 8);
            s[17] = (byte) ~sum;
            return s;
        }

        byte[] arp(int op, byte[] senderMac, byte[] senderIp, byte[] targetMac, byte[] targetIp) {
            ByteBuffer b = ByteBuffer.allocate(28);
            b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op)
                    .put(senderMac).put(senderIp).put(targetMac).put(targetIp);
            return b.array();
        }

        static int pseudo(byte[] src, byte[] dst, int protocol, int length) {
            int s = sum(src, 0, 4, 0);
            s = sum(dst, 0, 4, s);
            return s + protocol + length;
        }

        /** The ones' complement sum of {@code b[from, to)} added to {@code start}, folded to 16 bits. */
        static int sum(byte[] b, int from, int to, int start) {
            long s = start;
            for (int i = from; i < to; i += 2) {
                int hi = b[i] & 0xff;
                int lo = i + 1 < to ? b[i + 1] & 0xff : 0;
                s += hi << 8 | lo;
            }
            while (s >> 16 != 0) {
                s = (s & 0xffff) + (s >> 16);
            }
            return (int) s;
        }
    }
}
