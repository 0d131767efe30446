package mirage.net.internal.wire.dhcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.wire.Octets;
import mirage.net.internal.wire.Parsed;
import mirage.net.internal.wire.WireError;
import mirage.net.internal.wire.dhcp.DhcpMessage.Op;
import org.junit.jupiter.api.Test;

/** Golden vectors: a dnsmasq exchange (see {@link Seeds}) and messages laid out by hand from RFC 2131, 2132 and 3396. */
class DhcpMessageTest {
    private static final Ipv4Address SERVER = ip(10, 77, 0, 1);
    private static final Ipv4Address LEASED = ip(10, 77, 0, 64);
    private static final Ipv4Address NONE = Ipv4Address.UNSPECIFIED;
    private static final Octets MAC = Octets.ofHex("020000000002");
    private static final int XID = 0xf8a00b51;
    private static final List<Integer> DHCLIENT_REQUESTS = List.of(1, 28, 3, 15, 6, 12, 51, 58, 59);

    static Ipv4Address ip(int a, int b, int c, int d) {
        return Ipv4Address.of(a, b, c, d);
    }

    static DhcpMessage parsed(byte[] bytes) {
        return DhcpMessage.parse(bytes).orThrow();
    }

    static DhcpMessage request(int xid, DhcpOptions options) {
        return new DhcpMessage(Op.BOOTREQUEST, 1, 0, xid, 0, 0, NONE, NONE, NONE, NONE, MAC, "", "", options);
    }

    static DhcpMessage reply(int xid, DhcpOptions options) {
        return new DhcpMessage(Op.BOOTREPLY, 1, 0, xid, 0, 0, NONE, LEASED, SERVER, NONE, MAC, "", "", options);
    }

    static DhcpOptions.Builder dnsmasqLease(MessageType type) {
        return DhcpOptions.builder().messageType(type).serverIdentifier(SERVER).leaseTime(3600).renewalTime(1800)
                .rebindingTime(3150).subnetMask(ip(255, 255, 255, 0)).broadcastAddress(ip(10, 77, 0, 255))
                .domainName("example.test").domainNameServers(List.of(SERVER)).routers(List.of(SERVER));
    }

    @Test
    void dhclient_discover() {
        assertEquals(request(XID, DhcpOptions.builder().messageType(MessageType.DISCOVER).hostName("nd-client")
                .parameterRequestList(DHCLIENT_REQUESTS).build()), parsed(Seeds.get("dhclient-discover")));
    }

    @Test
    void dnsmasq_offer() {
        assertEquals(reply(XID, dnsmasqLease(MessageType.OFFER).build()), parsed(Seeds.get("dnsmasq-offer")));
    }

    @Test
    void dhclient_request() {
        assertEquals(request(XID, DhcpOptions.builder().messageType(MessageType.REQUEST).serverIdentifier(SERVER)
                .requestedIpAddress(LEASED).hostName("nd-client").parameterRequestList(DHCLIENT_REQUESTS).build()),
                parsed(Seeds.get("dhclient-request")));
    }

    @Test
    void dnsmasq_ack() {
        assertEquals(reply(XID, dnsmasqLease(MessageType.ACK).hostName("nd-client").build()), parsed(Seeds.get("dnsmasq-ack")));
    }

    @Test
    void udhcpc_request_keeps_unknown_options_raw() {
        DhcpMessage m = parsed(Seeds.get("udhcpc-request"));
        assertEquals(request(0xcf04fe3e, DhcpOptions.builder().messageType(MessageType.REQUEST).requestedIpAddress(LEASED)
                .serverIdentifier(SERVER).maximumMessageSize(576).parameterRequestList(List.of(1, 3, 6, 12, 15, 28, 42))
                .hostName("nd-udhcpc").clientIdentifier(Octets.ofHex("01020000000002"))
                .others(List.of(new RawOption(60, Octets.of("udhcp 1.35.0".getBytes())))).build()), m);
    }

    /** dhclient orders its DISCOVER options as we do (53, then ascending) and pads to 300 bytes: emit reproduces it byte for byte. */
    @Test
    void emit_reproduces_dhclient_discover() {
        byte[] original = Seeds.get("dhclient-discover");
        assertArrayEquals(original, parsed(original).toBytes());
    }

    @Test
    void every_captured_message_survives_emit_and_parse() {
        for (String name : Seeds.NAMES) {
            DhcpMessage m = parsed(Seeds.get(name));
            byte[] emitted = m.toBytes();
            assertEquals(m.bufferLen(), emitted.length, name);
            assertEquals(m, parsed(emitted), name);
        }
    }

    /** The layout of RFC 2131 section 2, written out field by field. */
    @Test
    void emit_lays_out_the_fixed_header() {
        DhcpMessage m = new DhcpMessage(Op.BOOTREPLY, 1, 3, 0x01020304, 0x0506, DhcpPacket.FLAG_BROADCAST,
                ip(1, 1, 1, 1), ip(2, 2, 2, 2), ip(3, 3, 3, 3), ip(4, 4, 4, 4), MAC, "srv", "boot/file",
                DhcpOptions.builder().messageType(MessageType.NAK).build());
        byte[] expected = new byte[300];
        byte[] header = HexFormat.of().parseHex("02010603" + "01020304" + "0506" + "8000"
                + "01010101" + "02020202" + "03030303" + "04040404" + "020000000002");
        System.arraycopy(header, 0, expected, 0, header.length);
        System.arraycopy("srv".getBytes(), 0, expected, 44, 3);
        System.arraycopy("boot/file".getBytes(), 0, expected, 108, 9);
        byte[] tail = HexFormat.of().parseHex("63825363" + "350106" + "ff");
        System.arraycopy(tail, 0, expected, 236, tail.length);
        assertArrayEquals(expected, m.toBytes());
        assertEquals(m, parsed(expected));
        assertEquals(true, m.broadcast());
        assertEquals(Optional.of(MacAddress.parse("02:00:00:00:00:02")), m.clientMac());
    }

    /** RFC 3396 section 6: a value over 255 bytes goes out as consecutive instances of 255 and the rest. */
    @Test
    void emit_splits_a_long_option() {
        String name = "h".repeat(300);
        DhcpMessage m = request(1, DhcpOptions.builder().hostName(name).build());
        byte[] b = m.toBytes();
        assertEquals(240 + 2 + 255 + 2 + 45 + 1, b.length);
        assertEquals(12, b[240]);
        assertEquals((byte) 255, b[241]);
        assertEquals(12, b[240 + 257]);
        assertEquals(45, b[240 + 258]);
        assertEquals((byte) 0xff, b[b.length - 1]);
        assertEquals(m, parsed(b));
    }

    @Test
    void an_empty_unknown_option_is_one_instance_of_length_zero() {
        DhcpMessage m = request(1, DhcpOptions.builder().others(List.of(new RawOption(80, Octets.EMPTY))).build());
        byte[] b = m.toBytes();
        assertEquals(80, b[240]);
        assertEquals(0, b[241]);
        assertEquals((byte) 0xff, b[242]);
        assertEquals(m, parsed(b));
    }

    /**
     * Option overload (RFC 2132 section 9.3) putting options in both {@code file} and
     * {@code sname}, with instances of one option split across fields and concatenated in the
     * order options, file, sname (RFC 3396 section 5).
     */
    @Test
    void overload_and_concatenation_across_fields() {
        byte[] b = new byte[300];
        b[0] = 1;
        b[1] = 1;
        b[2] = 6;
        MAC.copyTo(b, 28);
        put(b, 44, "030408080808" + "0c026465" + "ff");                // sname: router 8.8.8.8, host name "de"
        put(b, 108, "0304c0a80001" + "0c026263" + "ff" + "00000000");  // file: router 192.168.0.1, host name "bc"
        put(b, 236, "63825363" + "350101" + "340103" + "0c0161" + "ff");
        DhcpMessage m = parsed(b);
        assertEquals(request(0, DhcpOptions.builder().messageType(MessageType.DISCOVER).hostName("abcde")
                .routers(List.of(ip(192, 168, 0, 1), ip(8, 8, 8, 8))).build()), m);
        assertEquals(3, DhcpPacket.wrap(ByteBuffer.wrap(b)).overload());
        assertEquals(m, parsed(m.toBytes()));
    }

    @Test
    void sname_and_file_stop_at_the_first_nul() {
        byte[] b = parsed(Seeds.get("dnsmasq-offer")).toBytes();
        put(b, 44, "61620063");
        put(b, 108, "7878");
        DhcpMessage m = parsed(b);
        assertEquals("ab", m.serverName());
        assertEquals("xx", m.bootFile());
    }

    @Test
    void errors() {
        byte[] good = Seeds.get("dnsmasq-ack");
        assertError(WireError.TRUNCATED, new byte[239]);
        assertError(WireError.BAD_MAGIC_COOKIE, with(good, 236, "63825364"));
        assertError(WireError.BAD_HARDWARE_LENGTH, with(good, 2, "11"));
        assertError(WireError.BAD_OP, with(good, 0, "03"));
        assertError(WireError.MISSING_END, with(new byte[240], 236, "63825363"));
        assertError(WireError.MISSING_END, with(with(new byte[244], 236, "63825363"), 240, "35010100"));
        assertError(WireError.OPTION_TRUNCATED, with(with(new byte[243], 236, "63825363"), 240, "0c05"));
        assertError(WireError.OPTION_TRUNCATED, with(with(new byte[241], 236, "63825363"), 240, "0c"));
        assertError(WireError.BAD_OVERLOAD, options("340104ff"));
        assertError(WireError.BAD_OVERLOAD, options("34020101ff"));
        assertError(WireError.BAD_OVERLOAD, options("340101340101ff"));
        byte[] overloadInFile = options("340101ff");
        put(overloadInFile, 108, "340102ff");
        assertError(WireError.BAD_OVERLOAD, overloadInFile);
        assertError(WireError.MISSING_END, options("340102ff"));  // sname given to options but all pad
        assertError(WireError.BAD_OPTION_LENGTH, options("35020101ff"));
        assertError(WireError.BAD_OPTION_LENGTH, options("330400000e10" + "330400000e10" + "ff"));
        assertError(WireError.BAD_OPTION_LENGTH, options("03050102030405ff"));
        assertError(WireError.BAD_OPTION_LENGTH, options("0c00ff"));
        assertError(WireError.BAD_OPTION_LENGTH, options("3700ff"));
        assertError(WireError.BAD_OPTION_LENGTH, options("3d0101ff"));
        assertError(WireError.BAD_OPTION_VALUE, options("39020100ff"));
        assertError(WireError.UNKNOWN_MESSAGE_TYPE, options("350113ff"));
        assertError(WireError.UNKNOWN_MESSAGE_TYPE, options("350100ff"));
    }

    @Test
    void values_the_wire_cannot_carry_are_refused_at_construction() {
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.builder().hostName("").build());
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.builder().hostName("\u0100").build());
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.builder().leaseTime(1L << 32).build());
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.builder().maximumMessageSize(575).build());
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.builder().parameterRequestList(List.of(256)).build());
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.builder().clientIdentifier(Octets.of((byte) 1)).build());
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.builder()
                .others(List.of(new RawOption(60, Octets.EMPTY), new RawOption(60, Octets.EMPTY))).build());
        assertThrows(IllegalArgumentException.class, () -> new RawOption(53, Octets.EMPTY));
        assertThrows(IllegalArgumentException.class, () -> new RawOption(0, Octets.EMPTY));
        assertThrows(IllegalArgumentException.class, () -> new DhcpMessage(Op.BOOTREQUEST, 1, 0, 0, 0, 0, NONE, NONE, NONE, NONE,
                MAC, "a\0b", "", DhcpOptions.NONE));
        assertThrows(IllegalArgumentException.class, () -> new DhcpMessage(Op.BOOTREQUEST, 1, 0, 0, 0, 0, NONE, NONE, NONE, NONE,
                Octets.of(new byte[17]), "", "", DhcpOptions.NONE));
        assertThrows(IllegalArgumentException.class, () -> request(0, DhcpOptions.NONE).emit(ByteBuffer.allocate(299)));
    }

    @Test
    void emit_writes_from_the_position_and_overwrites_stale_bytes() {
        DhcpMessage m = parsed(Seeds.get("dnsmasq-ack"));
        ByteBuffer buf = ByteBuffer.allocate(m.bufferLen() + 10);
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (byte) 0x5a);
        }
        buf.position(5);
        m.emit(buf);
        assertEquals(5, buf.position());
        assertEquals(0x5a, buf.get(4));
        assertEquals(0x5a, buf.get(5 + m.bufferLen()));
        assertEquals(m, DhcpMessage.parse(buf.slice(5, m.bufferLen())).orThrow());
    }

    private static byte[] options(String hex) {
        byte[] b = new byte[300];
        b[0] = 1;
        put(b, 236, "63825363" + hex);
        return b;
    }

    private static void assertError(WireError expected, byte[] bytes) {
        assertEquals(new Parsed.Err<DhcpMessage>(expected), DhcpMessage.parse(bytes));
    }

    private static byte[] with(byte[] b, int at, String hex) {
        byte[] copy = b.clone();
        put(copy, at, hex);
        return copy;
    }

    private static void put(byte[] b, int at, String hex) {
        byte[] v = HexFormat.of().parseHex(hex);
        System.arraycopy(v, 0, b, at, v.length);
    }
}
