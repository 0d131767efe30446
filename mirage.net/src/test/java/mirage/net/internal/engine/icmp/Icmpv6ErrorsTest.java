package mirage.net.internal.engine.icmp;

import static mirage.net.internal.engine.ipv6.V6.PEER;
import static mirage.net.internal.engine.ipv6.V6.US;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mirage.net.Ipv6Address;
import mirage.net.internal.engine.icmp.Icmpv6Errors.Verdict;
import mirage.net.internal.engine.ipv6.V6;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Icmpv6Repr.ParameterProblemCode;
import mirage.net.internal.wire.Icmpv6Repr.TimeExceededCode;
import mirage.net.internal.wire.Icmpv6Repr.UnreachableCode;
import mirage.net.internal.wire.Ipv6ExtensionHeader;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.Octets;
import mirage.net.internal.wire.Parsed;
import org.junit.jupiter.api.Test;

/** RFC 4443 section 2.4: each "MUST NOT send" rule, its exceptions, the message sent, and the rate limit (f). */
class Icmpv6ErrorsTest {
    static final long MS = 1_000_000L;
    static final Ipv6Address GROUP = Ipv6Address.parse("ff02::1:ff00:1");
    static final Ipv6Address OTHER_SOURCE = Ipv6Address.parse("2001:db8::99");

    record Sent(Ipv6Address source, Ipv6Address destination, byte[] message) {}

    final List<Sent> sent = new ArrayList<>();
    final Icmpv6Errors.Output output = new Icmpv6Errors.Output() {
        @Override
        public Ipv6Address sourceFor(Ipv6Address destination) {
            return OTHER_SOURCE;
        }

        @Override
        public boolean send(long now, Ipv6Address source, Ipv6Address destination, ByteBuffer message) {
            byte[] m = new byte[message.remaining()];
            message.get(message.position(), m);
            sent.add(new Sent(source, destination, m));
            return true;
        }
    };
    final Icmpv6Errors errors = new Icmpv6Errors(output, 1000, 1000);

    static Ipv6Packet view(byte[] packet) {
        Ipv6Packet p = new Ipv6Packet();
        assertTrue(p.check(ByteBuffer.wrap(packet), 0, packet.length));
        return p;
    }

    static byte[] udp(Ipv6Address source, Ipv6Address destination, int length) {
        return V6.packet(source, destination, 17, List.of(), V6.bytes(length, 1));
    }

    static byte[] icmp(Ipv6Address source, Ipv6Address destination, Icmpv6Repr m) {
        ByteBuffer b = ByteBuffer.allocate(m.bufferLen());
        m.emit(b, 0, source, destination);
        return V6.packet(source, destination, Ipv6Packet.NEXT_HEADER_ICMPV6, List.of(), b.array());
    }

    Verdict unreachable(byte[] packet) {
        return errors.destinationUnreachable(0, view(packet), false, UnreachableCode.PORT_UNREACHABLE);
    }

    @Test
    void portUnreachable_sentToSource_fromOurAddress_quotingThePacket() {
        byte[] offending = udp(PEER, US, 100);
        assertEquals(Verdict.SENT, unreachable(offending));
        Sent s = sent.getFirst();
        assertEquals(US, s.source());
        assertEquals(PEER, s.destination());
        Icmpv6Packet m = new Icmpv6Packet();
        assertTrue(m.check(ByteBuffer.wrap(s.message()), 0, s.message().length));
        Parsed<Icmpv6Repr> parsed = Icmpv6Repr.parse(m, US, PEER, 64);
        assertEquals(Parsed.ok(new Icmpv6Repr.DestinationUnreachable(UnreachableCode.PORT_UNREACHABLE, Octets.of(offending))),
                parsed);
    }

    @Test
    void longPacket_quotedUpTo1232Octets_messageFitsTheMinimumMtu() {
        byte[] offending = udp(PEER, US, 4000);
        assertEquals(Verdict.SENT, unreachable(offending));
        byte[] m = sent.getFirst().message();
        assertEquals(Icmpv6Packet.MAX_ERROR_LENGTH, m.length);
        assertEquals(1280, Ipv6Packet.HEADER_LENGTH + m.length);
        assertArrayEquals(Arrays.copyOf(offending, 1232), Arrays.copyOfRange(m, 8, m.length));
    }

    @Test
    void parameterProblem_carriesCodeAndPointer() {
        assertEquals(Verdict.SENT, errors.parameterProblem(0, view(udp(PEER, US, 10)), false,
                ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER, 6));
        byte[] m = sent.getFirst().message();
        assertEquals(Icmpv6Packet.TYPE_PARAMETER_PROBLEM, m[0]);
        assertEquals(1, m[1]);
        assertEquals(6, ByteBuffer.wrap(m).getInt(4));
    }

    // ---- (e.1) and (e.2) ----

    @Test
    void inResponseToAnError_notSent() {
        byte[] error = icmp(PEER, US, new Icmpv6Repr.DestinationUnreachable(UnreachableCode.NO_ROUTE, Octets.of(new byte[48])));
        assertEquals(Verdict.ERROR_MESSAGE, unreachable(error));
        byte[] tooBig = icmp(PEER, US, new Icmpv6Repr.PacketTooBig(1280, Octets.of(new byte[48])));
        assertEquals(Verdict.ERROR_MESSAGE, errors.parameterProblem(0, view(tooBig), false,
                ParameterProblemCode.ERRONEOUS_HEADER_FIELD, 4));
        assertEquals(2, errors.count(Verdict.ERROR_MESSAGE));
        assertTrue(sent.isEmpty());
    }

    @Test
    void errorBehindExtensionHeaders_orInALaterFragment_notSent() {
        byte[] message = new byte[16];
        message[0] = (byte) Icmpv6Packet.TYPE_TIME_EXCEEDED;
        byte[] behind = V6.packet(PEER, US, Ipv6Packet.NEXT_HEADER_ICMPV6, List.of(V6.destinationOptions(0)), message);
        assertEquals(Verdict.ERROR_MESSAGE, unreachable(behind));
        byte[] laterFragment = V6.packet(PEER, US, Ipv6Packet.NEXT_HEADER_ICMPV6,
                List.of(new Ipv6ExtensionHeader.Fragment(1232, false, 5)), new byte[16]);
        assertEquals(Verdict.ERROR_MESSAGE, errors.timeExceeded(0, view(laterFragment), false,
                TimeExceededCode.FRAGMENT_REASSEMBLY_TIME_EXCEEDED));
        assertTrue(sent.isEmpty());
    }

    @Test
    void inResponseToInformational_sent() {
        byte[] echo = icmp(PEER, US, new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REQUEST, 1, 1, Octets.of(new byte[8])));
        assertEquals(Verdict.SENT, errors.parameterProblem(0, view(echo), false, ParameterProblemCode.ERRONEOUS_HEADER_FIELD, 40));
    }

    @Test
    void inResponseToRedirect_notSent() {
        byte[] redirect = icmp(Ipv6Address.parse("fe80::1"), US,
                new Icmpv6Repr.Redirect(Ipv6Address.parse("fe80::2"), Ipv6Address.parse("2001:db8:1::5"), List.of()));
        assertEquals(Verdict.REDIRECT, errors.parameterProblem(0, view(redirect), false,
                ParameterProblemCode.ERRONEOUS_HEADER_FIELD, 40));
        assertTrue(sent.isEmpty());
    }

    // ---- (e.3) to (e.5) and their two exceptions ----

    @Test
    void toMulticastDestination_notSent_butPacketTooBigAndUnrecognizedOptionAre() {
        byte[] toGroup = udp(PEER, GROUP, 1400);
        assertEquals(Verdict.MULTICAST_DESTINATION, unreachable(toGroup));
        assertEquals(Verdict.MULTICAST_DESTINATION, errors.parameterProblem(0, view(toGroup), false,
                ParameterProblemCode.ERRONEOUS_HEADER_FIELD, 4));
        assertEquals(Verdict.MULTICAST_DESTINATION, errors.timeExceeded(0, view(toGroup), false,
                TimeExceededCode.FRAGMENT_REASSEMBLY_TIME_EXCEEDED));
        assertTrue(sent.isEmpty());
        assertEquals(Verdict.SENT, errors.packetTooBig(0, view(toGroup), false, 1280));
        assertEquals(Verdict.SENT, errors.parameterProblem(0, view(toGroup), false, ParameterProblemCode.UNRECOGNIZED_OPTION, 42));
        // RFC 4443 section 2.2 (b): not from the group, from our address the output chooses.
        assertEquals(OTHER_SOURCE, sent.get(0).source());
        assertEquals(OTHER_SOURCE, sent.get(1).source());
        assertEquals(1280, ByteBuffer.wrap(sent.get(0).message()).getInt(4));
    }

    @Test
    void inLinkLayerMulticastFrame_notSent_butPacketTooBigAndUnrecognizedOptionAre() {
        Ipv6Packet p = view(udp(PEER, US, 100));
        assertEquals(Verdict.LINK_LAYER_MULTICAST, errors.destinationUnreachable(0, p, true, UnreachableCode.PORT_UNREACHABLE));
        assertEquals(Verdict.SENT, errors.packetTooBig(0, p, true, 1280));
        assertEquals(Verdict.SENT, errors.parameterProblem(0, p, true, ParameterProblemCode.UNRECOGNIZED_OPTION, 42));
    }

    // ---- (e.6) ----

    @Test
    void fromNonUniqueSource_notSent() {
        assertEquals(Verdict.NON_UNIQUE_SOURCE, unreachable(udp(Ipv6Address.UNSPECIFIED, US, 10)));
        assertEquals(Verdict.NON_UNIQUE_SOURCE, unreachable(udp(GROUP, US, 10)));
        assertEquals(Verdict.NON_UNIQUE_SOURCE, errors.packetTooBig(0, view(udp(GROUP, US, 10)), false, 1280));
        assertTrue(sent.isEmpty());
        assertEquals(3, errors.count(Verdict.NON_UNIQUE_SOURCE));
    }

    @Test
    void noSourceForMulticastReply_noRoute() {
        Icmpv6Errors noSource = new Icmpv6Errors(V6.outputWithoutSource(false));
        assertEquals(Verdict.NO_ROUTE, noSource.packetTooBig(0, view(udp(PEER, GROUP, 1400)), false, 1280));
    }

    // ---- (f) ----

    @Test
    void rateLimit_burstThenSustainedRate_dropsCounted() {
        Icmpv6Errors limited = new Icmpv6Errors(output, 10, 5);
        Ipv6Packet p = view(udp(PEER, US, 10));
        int ok = 0;
        for (int i = 0; i < 20; i++) {
            ok += limited.destinationUnreachable(0, p, false, UnreachableCode.PORT_UNREACHABLE) == Verdict.SENT ? 1 : 0;
        }
        assertEquals(5, ok);
        assertEquals(15, limited.count(Verdict.RATE_LIMITED));
        // One token every 100 ms.
        assertEquals(Verdict.RATE_LIMITED, limited.destinationUnreachable(99 * MS, p, false, UnreachableCode.PORT_UNREACHABLE));
        assertEquals(Verdict.SENT, limited.destinationUnreachable(100 * MS, p, false, UnreachableCode.PORT_UNREACHABLE));
        assertEquals(Verdict.RATE_LIMITED, limited.destinationUnreachable(100 * MS, p, false, UnreachableCode.PORT_UNREACHABLE));
        // A long quiet spell refills the burst, no more.
        ok = 0;
        for (int i = 0; i < 20; i++) {
            ok += limited.destinationUnreachable(3600_000 * MS, p, false, UnreachableCode.PORT_UNREACHABLE) == Verdict.SENT ? 1 : 0;
        }
        assertEquals(5, ok);
        assertEquals(11, sent.size());
    }

    @Test
    void rateLimit_suppressedByRuleTakesNoToken() {
        Icmpv6Errors limited = new Icmpv6Errors(output, 1, 1);
        assertEquals(Verdict.MULTICAST_DESTINATION, limited.destinationUnreachable(0, view(udp(PEER, GROUP, 10)), false,
                UnreachableCode.PORT_UNREACHABLE));
        assertEquals(Verdict.SENT, limited.destinationUnreachable(0, view(udp(PEER, US, 10)), false,
                UnreachableCode.PORT_UNREACHABLE));
    }

    @Test
    void tokenBucket_badFigures_refused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0));
    }

    @Test
    void tokenBucket_clockGoingBack_grantsNothingExtra() {
        TokenBucket b = new TokenBucket(1, 1);
        assertTrue(b.take(10_000 * MS));
        assertEquals(false, b.take(5_000 * MS));
        assertEquals(false, b.take(10_500 * MS));
        assertTrue(b.take(11_500 * MS));
    }
}
