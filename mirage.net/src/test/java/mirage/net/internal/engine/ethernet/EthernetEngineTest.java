package mirage.net.internal.engine.ethernet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.Ethernet;
import mirage.net.MacAddress;
import mirage.net.internal.wire.EthernetFrame;
import mirage.net.internal.wire.EthernetRepr;
import org.junit.jupiter.api.Test;

class EthernetEngineTest {
    private static final MacAddress US = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress PEER = MacAddress.parse("02:00:00:00:00:02");

    private final List<byte[]> sent = new ArrayList<>();
    private final List<String> delivered = new ArrayList<>();
    private final EthernetEngine engine = new EthernetEngine(US, 1500, f -> {
        byte[] b = new byte[f.remaining()];
        f.get(f.position(), b);
        sent.add(b);
    });

    private static byte[] frame(MacAddress destination, List<EthernetRepr.VlanTag> tags, int type, int payload) {
        EthernetRepr h = new EthernetRepr(destination, PEER, tags, type);
        ByteBuffer b = ByteBuffer.allocate(h.bufferLen() + payload);
        h.emit(b, 0);
        return b.array();
    }

    /** As the stack's binding: IPv4 frames are taken (recorded), any other type is unknown. */
    private void receive(byte[] frame) {
        EthernetFrame f = engine.receive(7, ByteBuffer.wrap(frame).asReadOnlyBuffer());
        if (f == null) {
            return;
        }
        if (f.etherType() == EthernetFrame.TYPE_IPV4) {
            delivered.add("ipv4 7 " + f.payloadLength() + " from " + new MacAddress(f.source()));
        } else {
            engine.unknownType();
        }
    }

    @Test
    void registered_unicastToUs_delivered() {
        receive(frame(US, List.of(), EthernetFrame.TYPE_IPV4, 46));
        assertEquals(List.of("ipv4 7 46 from " + PEER), delivered);
        assertEquals(new Ethernet.Stats(1, 0, 0, 0, 0, 0), engine.stats());
    }

    @Test
    void registered_broadcastAndMulticast_delivered() {
        receive(frame(MacAddress.BROADCAST, List.of(), EthernetFrame.TYPE_IPV4, 10));
        receive(frame(MacAddress.parse("01:00:5e:00:00:01"), List.of(), EthernetFrame.TYPE_IPV4, 10));
        assertEquals(2, delivered.size());
    }

    @Test
    void registered_unicastToAnother_droppedNotForUs() {
        receive(frame(MacAddress.parse("02:00:00:00:00:09"), List.of(), EthernetFrame.TYPE_IPV4, 10));
        assertTrue(delivered.isEmpty());
        assertEquals(1, engine.stats().notForUs());
    }

    @Test
    void unregistered_frameOfUnknownType_counted() {
        receive(frame(US, List.of(), EthernetFrame.TYPE_IPV6, 10));
        assertEquals(1, engine.stats().unknownType());
        assertEquals(0, engine.stats().framesReceived(), "a frame no layer took is not received");
    }

    @Test
    void registered_truncatedOrLengthField_countedMalformed() {
        receive(new byte[13]);
        byte[] ieee8023 = frame(US, List.of(), EthernetFrame.TYPE_IPV4, 10);
        ieee8023[12] = 0;
        ieee8023[13] = 46;
        receive(ieee8023);
        assertEquals(2, engine.stats().malformed());
        assertTrue(delivered.isEmpty());
    }

    @Test
    void registered_priorityTag_strippedAndDelivered() {
        receive(frame(US, List.of(new EthernetRepr.VlanTag(EthernetFrame.TPID_CVLAN, 5, false, 0)),
                EthernetFrame.TYPE_IPV4, 20));
        assertEquals(List.of("ipv4 7 20 from " + PEER), delivered);
    }

    @Test
    void registered_vlanTag_droppedAndCounted() {
        receive(frame(US, List.of(new EthernetRepr.VlanTag(EthernetFrame.TPID_CVLAN, 0, false, 12)),
                EthernetFrame.TYPE_IPV4, 20));
        receive(frame(US, List.of(new EthernetRepr.VlanTag(EthernetFrame.TPID_SVLAN, 0, false, 0),
                new EthernetRepr.VlanTag(EthernetFrame.TPID_CVLAN, 0, false, 0)), EthernetFrame.TYPE_IPV4, 20));
        assertTrue(delivered.isEmpty());
        assertEquals(2, engine.stats().vlanTagged());
    }

    @Test
    void send_payload_framedFromUs() {
        byte[] payload = {1, 2, 3, 4};
        ByteBuffer p = ByteBuffer.wrap(payload);
        engine.send(PEER.bits(), EthernetFrame.TYPE_IPV4, p);
        assertEquals(0, p.position(), "payload position untouched");
        byte[] expected = new byte[18];
        EthernetRepr.of(PEER, US, EthernetFrame.TYPE_IPV4).emit(ByteBuffer.wrap(expected), 0);
        System.arraycopy(payload, 0, expected, 14, 4);
        assertArrayEquals(expected, sent.getFirst());
        assertEquals(1, engine.stats().framesSent());
    }

    @Test
    void send_payloadOverMtu_isRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> engine.send(PEER.bits(), EthernetFrame.TYPE_IPV4, ByteBuffer.allocate(1501)));
        assertTrue(sent.isEmpty());
    }

    @Test
    void sendSegmented_datagramInThePayloadBuffer_sameFrameAsACopy() {
        List<byte[]> frames = new ArrayList<>();
        engine.segmentation(14 + 0xffff, (f, segmentSize) -> {
            assertEquals(1448, segmentSize);
            byte[] b = new byte[f.remaining()];
            f.get(f.position(), b);
            frames.add(b);
        });
        byte[] datagram = new byte[40_000];
        for (int i = 0; i < datagram.length; i++) {
            datagram[i] = (byte) (i * 31 + 7);
        }
        engine.sendSegmented(PEER.bits(), ByteBuffer.wrap(datagram), 1448); // copied behind the header
        ByteBuffer in = engine.segmentedPayloadBuffer();
        assertEquals(0xffff, in.capacity());
        in.clear().put(0, datagram).limit(datagram.length);
        engine.sendSegmented(PEER.bits(), in, 1448); // where it lies
        assertEquals(2, frames.size());
        byte[] expected = new byte[14 + datagram.length];
        EthernetRepr.of(PEER, US, EthernetFrame.TYPE_IPV4).emit(ByteBuffer.wrap(expected), 0);
        System.arraycopy(datagram, 0, expected, 14, datagram.length);
        assertArrayEquals(expected, frames.get(0));
        assertArrayEquals(expected, frames.get(1));
        assertEquals(0, in.position(), "the datagram's position untouched");
        assertEquals(2, engine.stats().framesSent());
    }

    @Test
    void segmentedPayloadBuffer_noneWithoutSegmentation() {
        assertEquals(null, engine.segmentedPayloadBuffer());
    }
}
