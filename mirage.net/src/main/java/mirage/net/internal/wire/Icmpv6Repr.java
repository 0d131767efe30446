package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.put16;
import static mirage.net.internal.wire.Bytes.put32;
import static mirage.net.internal.wire.Bytes.put8;
import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import mirage.net.Ipv6Address;

/**
 * A validated ICMPv6 message: every error type of RFC 4443, echo, the five Neighbor Discovery
 * messages of RFC 4861 and the Multicast Listener Query and Version 2 Report of RFC 3810 (and
 * the version 1 query a version 2 host must understand, RFC 3810 section 8.2). Body and data
 * are part of the record; the checksum over the pseudo-header is computed by {@link #emit} and
 * verified by {@link #parse}.
 *
 * <p>An error's invoking packet is kept as the bytes that came ({@link #invokingPacket()}), not
 * parsed: an engine that wants its headers checks them with {@link Ipv6Packet#checkQuoted}.
 */
public sealed interface Icmpv6Repr {

    /** The whole message's length. */
    int bufferLen();

    /** The Type field. */
    int type();

    /**
     * Writes the whole message into {@code [offset, offset + bufferLen())} with the checksum over
     * the pseudo-header of {@code source} and {@code destination} (RFC 4443 section 2.3).
     */
    default void emit(ByteBuffer buffer, int offset, Ipv6Address source, Ipv6Address destination) {
        int len = bufferLen();
        Objects.checkFromIndexSize(offset, len, buffer.limit());
        put8(buffer, offset + Icmpv6Packet.TYPE, type());
        put8(buffer, offset + Icmpv6Packet.CODE, code());
        put16(buffer, offset + Icmpv6Packet.CHECKSUM, 0);
        emitBody(buffer, offset);
        long sum = InternetChecksum.pseudoHeader(source, destination, Ipv6Packet.NEXT_HEADER_ICMPV6, len);
        put16(buffer, offset + Icmpv6Packet.CHECKSUM, InternetChecksum.finish(InternetChecksum.add(sum, buffer, offset, len)));
    }

    /** The Code field. */
    int code();

    /** Writes everything from offset 4 on. */
    void emitBody(ByteBuffer buffer, int offset);

    // ---- errors (RFC 4443 section 3) ----

    /** Codes of Destination Unreachable: 0-6 of RFC 4443 section 3.1, 7 of RFC 6550 (RPL), 8 of RFC 8883. */
    enum UnreachableCode {
        NO_ROUTE, ADMINISTRATIVELY_PROHIBITED, BEYOND_SCOPE_OF_SOURCE, ADDRESS_UNREACHABLE, PORT_UNREACHABLE,
        SOURCE_ADDRESS_FAILED_POLICY, REJECT_ROUTE, ERROR_IN_SOURCE_ROUTING_HEADER, HEADERS_TOO_LONG;

        public int code() {
            return ordinal();
        }
    }

    /** Codes of Time Exceeded (RFC 4443 section 3.3). */
    enum TimeExceededCode {
        HOP_LIMIT_EXCEEDED, FRAGMENT_REASSEMBLY_TIME_EXCEEDED;

        public int code() {
            return ordinal();
        }
    }

    /** Codes of Parameter Problem: 0-2 of RFC 4443 section 3.4, 3 of RFC 7112, 4 of RFC 8754, 5-10 of RFC 8883. */
    enum ParameterProblemCode {
        ERRONEOUS_HEADER_FIELD, UNRECOGNIZED_NEXT_HEADER, UNRECOGNIZED_OPTION, INCOMPLETE_HEADER_CHAIN,
        SEGMENT_ROUTING_UPPER_LAYER_HEADER, UNRECOGNIZED_NEXT_HEADER_AT_INTERMEDIATE_NODE, EXTENSION_HEADER_TOO_BIG,
        EXTENSION_HEADER_CHAIN_TOO_LONG, TOO_MANY_EXTENSION_HEADERS, TOO_MANY_OPTIONS, OPTION_TOO_BIG;

        public int code() {
            return ordinal();
        }
    }

    /**
     * The first bytes of an invoking packet that fit in an error message of the minimum MTU
     * (RFC 4443 section 2.4 (c)), for engines building errors.
     */
    static Octets invoking(ByteBuffer buffer, int offset, int length) {
        return Octets.copyOf(buffer, offset, Math.min(length, Icmpv6Packet.MAX_ERROR_LENGTH - Icmpv6Packet.HEADER_LENGTH));
    }

    /**
     * An error message (types 0-127, RFC 4443 section 2.1): a 32-bit word and as much of the
     * invoking packet as fits. An engine never answers one with another (section 2.4 (e)).
     */
    sealed interface Error extends Icmpv6Repr {
        /** The packet that caused the error, as it came. */
        Octets invokingPacket();

        /** The 32 bits after the checksum: the MTU, the pointer, or zero. */
        int word();

        @Override
        default int bufferLen() {
            return Icmpv6Packet.HEADER_LENGTH + invokingPacket().length();
        }

        @Override
        default void emitBody(ByteBuffer buffer, int offset) {
            put32(buffer, offset + Icmpv6Packet.BODY, word());
            invokingPacket().copyTo(buffer, offset + Icmpv6Packet.HEADER_LENGTH);
        }
    }

    /** Destination Unreachable (type 1). */
    record DestinationUnreachable(UnreachableCode reason, Octets invokingPacket) implements Error {
        public DestinationUnreachable {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(invokingPacket, "invokingPacket");
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE;
        }

        @Override
        public int code() {
            return reason.code();
        }

        @Override
        public int word() {
            return 0;
        }
    }

    /** Packet Too Big (type 2): the MTU of the next hop (RFC 4443 section 3.2; RFC 8201). The code is sent as 0 and ignored on receipt. */
    record PacketTooBig(long mtu, Octets invokingPacket) implements Error {
        public PacketTooBig {
            Objects.requireNonNull(invokingPacket, "invokingPacket");
            if (mtu < 0 || mtu > 0xffff_ffffL) {
                throw new IllegalArgumentException("MTU must be an unsigned 32-bit value: " + mtu);
            }
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_PACKET_TOO_BIG;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int word() {
            return (int) mtu;
        }
    }

    /** Time Exceeded (type 3). */
    record TimeExceeded(TimeExceededCode reason, Octets invokingPacket) implements Error {
        public TimeExceeded {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(invokingPacket, "invokingPacket");
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_TIME_EXCEEDED;
        }

        @Override
        public int code() {
            return reason.code();
        }

        @Override
        public int word() {
            return 0;
        }
    }

    /**
     * Parameter Problem (type 4).
     *
     * @param pointer "the octet offset within the invoking packet where the error was
     *     detected" (RFC 4443 section 3.4), unsigned 32 bits
     */
    record ParameterProblem(ParameterProblemCode reason, long pointer, Octets invokingPacket) implements Error {
        public ParameterProblem {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(invokingPacket, "invokingPacket");
            if (pointer < 0 || pointer > 0xffff_ffffL) {
                throw new IllegalArgumentException("pointer must be an unsigned 32-bit value: " + pointer);
            }
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_PARAMETER_PROBLEM;
        }

        @Override
        public int code() {
            return reason.code();
        }

        @Override
        public int word() {
            return (int) pointer;
        }
    }

    // ---- informational (RFC 4443 section 4) ----

    /** Echo Request (128) or Echo Reply (129), code 0 (RFC 4443 sections 4.1, 4.2). */
    record Echo(Kind kind, int identifier, int sequence, Octets data) implements Icmpv6Repr {
        /** Request or reply. */
        public enum Kind {
            REQUEST, REPLY
        }

        public Echo {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(data, "data");
            if (identifier < 0 || identifier > 0xffff || sequence < 0 || sequence > 0xffff) {
                throw new IllegalArgumentException("identifier and sequence must be 0..65535: " + identifier + ", " + sequence);
            }
        }

        /** The reply to this request: "The data received in the ICMPv6 Echo Request message MUST be returned entirely and unmodified" (RFC 4443 section 4.2). */
        public Echo reply() {
            return new Echo(Kind.REPLY, identifier, sequence, data);
        }

        @Override
        public int type() {
            return kind == Kind.REQUEST ? Icmpv6Packet.TYPE_ECHO_REQUEST : Icmpv6Packet.TYPE_ECHO_REPLY;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int bufferLen() {
            return Icmpv6Packet.HEADER_LENGTH + data.length();
        }

        @Override
        public void emitBody(ByteBuffer buffer, int offset) {
            put16(buffer, offset + Icmpv6Packet.BODY, identifier);
            put16(buffer, offset + Icmpv6Packet.BODY + 2, sequence);
            data.copyTo(buffer, offset + Icmpv6Packet.HEADER_LENGTH);
        }
    }

    // ---- Neighbor Discovery (RFC 4861 section 4) ----

    /**
     * A Neighbor Discovery message (RFC 4861 section 4): code 0, a fixed part, then options.
     */
    sealed interface NeighborDiscovery extends Icmpv6Repr {
        /** The options in order. */
        List<NdpOption> options();

        /** The octets before the options, the ICMPv6 header included. */
        int fixedLength();

        @Override
        default int code() {
            return 0;
        }

        @Override
        default int bufferLen() {
            return fixedLength() + NdpOption.length(options());
        }
    }

    /** Router Solicitation (133, RFC 4861 section 4.1). */
    record RouterSolicitation(List<NdpOption> options) implements NeighborDiscovery {
        public RouterSolicitation {
            options = List.copyOf(options);
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_ROUTER_SOLICITATION;
        }

        @Override
        public int fixedLength() {
            return Icmpv6Packet.HEADER_LENGTH;
        }

        @Override
        public void emitBody(ByteBuffer buffer, int offset) {
            put32(buffer, offset + Icmpv6Packet.BODY, 0);
            NdpOption.emitAll(buffer, offset + Icmpv6Packet.HEADER_LENGTH, options);
        }
    }

    /** Default Router Preference (RFC 4191 section 2.2); the reserved value 10 "MUST" be read as medium. */
    enum RouterPreference {
        MEDIUM(0), HIGH(1), LOW(3);

        private final int bits;

        RouterPreference(int bits) {
            this.bits = bits;
        }

        /** The two-bit field value. */
        public int bits() {
            return bits;
        }

        static RouterPreference of(int bits) {
            return bits == 1 ? HIGH : bits == 3 ? LOW : MEDIUM;
        }
    }

    /**
     * Router Advertisement (134, RFC 4861 section 4.2). Flags other than M, O and the router
     * preference are not kept (reserved ones "MUST be ignored by the receiver").
     *
     * @param currentHopLimit 0 means unspecified
     * @param routerLifetime seconds, 0 for "not a default router", 0-65535
     * @param reachableTime milliseconds, 0 for unspecified, unsigned 32 bits
     * @param retransTimer milliseconds, 0 for unspecified, unsigned 32 bits
     */
    record RouterAdvertisement(int currentHopLimit, boolean managed, boolean other, RouterPreference preference,
            int routerLifetime, long reachableTime, long retransTimer, List<NdpOption> options) implements NeighborDiscovery {
        /** Fixed part after the 4-byte header. */
        static final int MIN_LENGTH = 16;

        public RouterAdvertisement {
            Objects.requireNonNull(preference, "preference");
            options = List.copyOf(options);
            if (currentHopLimit < 0 || currentHopLimit > 0xff || routerLifetime < 0 || routerLifetime > 0xffff) {
                throw new IllegalArgumentException("hop limit is an octet, router lifetime 16 bits: " + currentHopLimit
                        + ", " + routerLifetime);
            }
            if (reachableTime < 0 || reachableTime > 0xffff_ffffL || retransTimer < 0 || retransTimer > 0xffff_ffffL) {
                throw new IllegalArgumentException("timers are unsigned 32 bits: " + reachableTime + ", " + retransTimer);
            }
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT;
        }

        @Override
        public int fixedLength() {
            return MIN_LENGTH;
        }

        @Override
        public void emitBody(ByteBuffer buffer, int offset) {
            put8(buffer, offset + 4, currentHopLimit);
            put8(buffer, offset + 5, (managed ? 0x80 : 0) | (other ? 0x40 : 0) | preference.bits() << 3);
            put16(buffer, offset + 6, routerLifetime);
            put32(buffer, offset + 8, (int) reachableTime);
            put32(buffer, offset + 12, (int) retransTimer);
            NdpOption.emitAll(buffer, offset + MIN_LENGTH, options);
        }
    }

    /** Neighbor Solicitation (135, RFC 4861 section 4.3); from {@code ::} it is a Duplicate Address Detection probe (RFC 4862 section 5.4). */
    record NeighborSolicitation(Ipv6Address target, List<NdpOption> options) implements NeighborDiscovery {
        static final int MIN_LENGTH = 24;

        public NeighborSolicitation {
            Objects.requireNonNull(target, "target");
            options = List.copyOf(options);
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION;
        }

        @Override
        public int fixedLength() {
            return MIN_LENGTH;
        }

        @Override
        public void emitBody(ByteBuffer buffer, int offset) {
            put32(buffer, offset + 4, 0);
            target.write(buffer, offset + 8);
            NdpOption.emitAll(buffer, offset + MIN_LENGTH, options);
        }
    }

    /** Neighbor Advertisement (136, RFC 4861 section 4.4): R(outer), S(olicited) and O(verride) flags. */
    record NeighborAdvertisement(boolean router, boolean solicited, boolean override, Ipv6Address target,
            List<NdpOption> options) implements NeighborDiscovery {
        static final int MIN_LENGTH = 24;

        public NeighborAdvertisement {
            Objects.requireNonNull(target, "target");
            options = List.copyOf(options);
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT;
        }

        @Override
        public int fixedLength() {
            return MIN_LENGTH;
        }

        @Override
        public void emitBody(ByteBuffer buffer, int offset) {
            put32(buffer, offset + 4, (router ? 0x8000_0000 : 0) | (solicited ? 0x4000_0000 : 0) | (override ? 0x2000_0000 : 0));
            target.write(buffer, offset + 8);
            NdpOption.emitAll(buffer, offset + MIN_LENGTH, options);
        }
    }

    /** Redirect (137, RFC 4861 section 4.5): a better first hop ({@code target}) for {@code destination}. */
    record Redirect(Ipv6Address target, Ipv6Address destination, List<NdpOption> options) implements NeighborDiscovery {
        static final int MIN_LENGTH = 40;

        public Redirect {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(destination, "destination");
            options = List.copyOf(options);
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_REDIRECT;
        }

        @Override
        public int fixedLength() {
            return MIN_LENGTH;
        }

        @Override
        public void emitBody(ByteBuffer buffer, int offset) {
            put32(buffer, offset + 4, 0);
            target.write(buffer, offset + 8);
            destination.write(buffer, offset + 24);
            NdpOption.emitAll(buffer, offset + MIN_LENGTH, options);
        }
    }

    // ---- Multicast Listener Discovery (RFC 3810, RFC 2710) ----

    /**
     * A version 1 Multicast Listener Query (130, 24 octets; RFC 2710 section 3), which a version
     * 2 host answers in compatibility mode (RFC 3810 section 8.2).
     *
     * @param maximumResponseDelay milliseconds, 0-65535
     * @param multicastAddress {@code ::} for a general query
     */
    record MulticastListenerQueryV1(int maximumResponseDelay, Ipv6Address multicastAddress) implements Icmpv6Repr {
        static final int LENGTH = 24;

        public MulticastListenerQueryV1 {
            Objects.requireNonNull(multicastAddress, "multicastAddress");
            if (maximumResponseDelay < 0 || maximumResponseDelay > 0xffff) {
                throw new IllegalArgumentException("maximum response delay must be 0..65535: " + maximumResponseDelay);
            }
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_MULTICAST_LISTENER_QUERY;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int bufferLen() {
            return LENGTH;
        }

        @Override
        public void emitBody(ByteBuffer buffer, int offset) {
            put16(buffer, offset + 4, maximumResponseDelay);
            put16(buffer, offset + 6, 0);
            multicastAddress.write(buffer, offset + 8);
        }
    }

    /**
     * A version 2 Multicast Listener Query (130, RFC 3810 section 5.1).
     *
     * @param maximumResponseCode the coded maximum response delay (section 5.1.3), 16 bits
     * @param multicastAddress {@code ::} for a general query
     * @param suppressRouterSideProcessing the S flag (section 5.1.7)
     * @param robustness QRV, 0-7 (section 5.1.8)
     * @param queryIntervalCode QQIC, an octet (section 5.1.9)
     * @param sources the sources of a source-specific query, at most {@link #MAX_SOURCES} (what
     *     fits in 1280 octets; the 16-bit count allows more, which this package neither sends nor accepts)
     */
    record MulticastListenerQuery(int maximumResponseCode, Ipv6Address multicastAddress,
            boolean suppressRouterSideProcessing, int robustness, int queryIntervalCode, List<Ipv6Address> sources)
            implements Icmpv6Repr {
        static final int MIN_LENGTH = 28;
        /** Sources that fit in the minimum MTU with a Hop-by-Hop header: (1280 - 40 - 8 - 28) / 16. */
        public static final int MAX_SOURCES = 75;

        public MulticastListenerQuery {
            Objects.requireNonNull(multicastAddress, "multicastAddress");
            sources = List.copyOf(sources);
            if (maximumResponseCode < 0 || maximumResponseCode > 0xffff || robustness < 0 || robustness > 7
                    || queryIntervalCode < 0 || queryIntervalCode > 0xff) {
                throw new IllegalArgumentException("field out of range: code " + maximumResponseCode + ", QRV "
                        + robustness + ", QQIC " + queryIntervalCode);
            }
            if (sources.size() > MAX_SOURCES) {
                throw new IllegalArgumentException("at most " + MAX_SOURCES + " sources: " + sources.size());
            }
        }

        /** The maximum response delay in milliseconds: the code itself below 32768, else a floating-point value (RFC 3810 section 5.1.3). */
        public long maximumResponseDelay() {
            if (maximumResponseCode < 0x8000) {
                return maximumResponseCode;
            }
            int exp = maximumResponseCode >>> 12 & 7;
            int mant = maximumResponseCode & 0xfff;
            return (long) (mant | 0x1000) << (exp + 3);
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_MULTICAST_LISTENER_QUERY;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int bufferLen() {
            return MIN_LENGTH + 16 * sources.size();
        }

        @Override
        public void emitBody(ByteBuffer buffer, int offset) {
            put16(buffer, offset + 4, maximumResponseCode);
            put16(buffer, offset + 6, 0);
            multicastAddress.write(buffer, offset + 8);
            put8(buffer, offset + 24, (suppressRouterSideProcessing ? 8 : 0) | robustness);
            put8(buffer, offset + 25, queryIntervalCode);
            put16(buffer, offset + 26, sources.size());
            for (int i = 0; i < sources.size(); i++) {
                sources.get(i).write(buffer, offset + MIN_LENGTH + 16 * i);
            }
        }
    }

    /** Multicast Address Record types (RFC 3810 section 5.2.12), by their value less one. */
    enum RecordType {
        MODE_IS_INCLUDE, MODE_IS_EXCLUDE, CHANGE_TO_INCLUDE_MODE, CHANGE_TO_EXCLUDE_MODE, ALLOW_NEW_SOURCES,
        BLOCK_OLD_SOURCES;

        /** The Record Type field. */
        public int value() {
            return ordinal() + 1;
        }
    }

    /**
     * One Multicast Address Record of a report (RFC 3810 section 5.2.4).
     *
     * @param auxiliaryData a multiple of 4 octets, at most 1020 ("MLDv2 hosts MUST NOT include
     *     auxiliary data"; receivers skip it, RFC 3810 section 5.2.10)
     */
    record MulticastAddressRecord(RecordType recordType, Ipv6Address multicastAddress, List<Ipv6Address> sources,
            Octets auxiliaryData) {
        public MulticastAddressRecord {
            Objects.requireNonNull(recordType, "recordType");
            Objects.requireNonNull(multicastAddress, "multicastAddress");
            sources = List.copyOf(sources);
            Objects.requireNonNull(auxiliaryData, "auxiliaryData");
            if (sources.size() > 0xffff || auxiliaryData.length() % 4 != 0 || auxiliaryData.length() > 255 * 4) {
                throw new IllegalArgumentException("too many sources or auxiliary data not 4n octets under 1024");
            }
        }

        /** A record without sources or auxiliary data: how a host reports it joined ({@link RecordType#CHANGE_TO_EXCLUDE_MODE}) or listens. */
        public static MulticastAddressRecord of(RecordType type, Ipv6Address group) {
            return new MulticastAddressRecord(type, group, List.of(), Octets.EMPTY);
        }

        int bufferLen() {
            return 20 + 16 * sources.size() + auxiliaryData.length();
        }
    }

    /**
     * A Version 2 Multicast Listener Report (143, RFC 3810 section 5.2), sent to
     * {@code ff02::16} with hop limit 1 and a Router Alert option. Only record types 1-6 are
     * defined (section 5.2.12); {@link #parse} leaves records of other types out.
     */
    record MulticastListenerReport(List<MulticastAddressRecord> records) implements Icmpv6Repr {
        public MulticastListenerReport {
            records = List.copyOf(records);
            if (records.size() > 0xffff) {
                throw new IllegalArgumentException("at most 65535 records: " + records.size());
            }
        }

        @Override
        public int type() {
            return Icmpv6Packet.TYPE_MULTICAST_LISTENER_REPORT_V2;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int bufferLen() {
            int n = Icmpv6Packet.HEADER_LENGTH;
            for (MulticastAddressRecord r : records) {
                n += r.bufferLen();
            }
            return n;
        }

        @Override
        public void emitBody(ByteBuffer buffer, int offset) {
            put16(buffer, offset + 4, 0);
            put16(buffer, offset + 6, records.size());
            int i = offset + Icmpv6Packet.HEADER_LENGTH;
            for (MulticastAddressRecord r : records) {
                put8(buffer, i, r.recordType().value());
                put8(buffer, i + 1, r.auxiliaryData().length() / 4);
                put16(buffer, i + 2, r.sources().size());
                r.multicastAddress().write(buffer, i + 4);
                int j = i + 20;
                for (Ipv6Address s : r.sources()) {
                    s.write(buffer, j);
                    j += 16;
                }
                r.auxiliaryData().copyTo(buffer, j);
                i += r.bufferLen();
            }
        }
    }

    // ---- parse ----

    /** The all-nodes group {@code ff02::1}. */
    Ipv6Address ALL_NODES = new Ipv6Address(0xff02_0000_0000_0000L, 1);
    /** The all-routers group {@code ff02::2}. */
    Ipv6Address ALL_ROUTERS = new Ipv6Address(0xff02_0000_0000_0000L, 2);
    /** The all-MLDv2-capable-routers group {@code ff02::16}, where reports go (RFC 3810 section 5.2.14). */
    Ipv6Address ALL_MLDV2_ROUTERS = new Ipv6Address(0xff02_0000_0000_0000L, 0x16);

    /** The solicited-node multicast address of {@code address}: {@code ff02::1:ff00:0/104} and its low 24 bits (RFC 4291 section 2.7.1). */
    static Ipv6Address solicitedNode(Ipv6Address address) {
        return new Ipv6Address(0xff02_0000_0000_0000L, 0x1_ff00_0000L | (address.low() & 0xff_ffff));
    }

    /** Whether {@code address} is a solicited-node multicast address. */
    static boolean isSolicitedNode(Ipv6Address address) {
        return address.high() == 0xff02_0000_0000_0000L && (address.low() & 0xffff_ffff_ff00_0000L) == 0x1_ff00_0000L;
    }

    /**
     * The message of a checked view carried from {@code source} to {@code destination} with
     * {@code hopLimit}: refuses a checksum that does not verify, types this package does not
     * represent (MLDv1 reports and done, router renumbering, node information, ...), codes not
     * defined for their type, and messages that break their RFC's validity rules: for Neighbor
     * Discovery those of RFC 4861 sections 6.1, 7.1 and 8.1 (hop limit 255, lengths, options,
     * addresses); for an MLD query a source that is not link-local (MLD queries come from
     * link-local addresses, RFC 3810; Linux drops others too).
     */
    static Parsed<Icmpv6Repr> parse(Icmpv6Packet p, Ipv6Address source, Ipv6Address destination, int hopLimit) {
        if (!p.checksumVerifies(InternetChecksum.pseudoHeader(source, destination, Ipv6Packet.NEXT_HEADER_ICMPV6, p.length()))) {
            return Parsed.err(WireError.BAD_CHECKSUM);
        }
        ByteBuffer b = p.buffer();
        int at = p.offset();
        int len = p.length();
        int type = p.type();
        int code = p.code();
        Octets data = Octets.copyOf(b, p.dataOffset(), p.dataLength());
        switch (type) {
            case Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE -> {
                return code < UnreachableCode.values().length
                        ? Parsed.ok(new DestinationUnreachable(UnreachableCode.values()[code], data))
                        : Parsed.err(WireError.BAD_CODE);
            }
            case Icmpv6Packet.TYPE_PACKET_TOO_BIG -> {
                return Parsed.ok(new PacketTooBig(p.body() & 0xffff_ffffL, data));
            }
            case Icmpv6Packet.TYPE_TIME_EXCEEDED -> {
                return code < TimeExceededCode.values().length
                        ? Parsed.ok(new TimeExceeded(TimeExceededCode.values()[code], data))
                        : Parsed.err(WireError.BAD_CODE);
            }
            case Icmpv6Packet.TYPE_PARAMETER_PROBLEM -> {
                return code < ParameterProblemCode.values().length
                        ? Parsed.ok(new ParameterProblem(ParameterProblemCode.values()[code], p.body() & 0xffff_ffffL, data))
                        : Parsed.err(WireError.BAD_CODE);
            }
            case Icmpv6Packet.TYPE_ECHO_REQUEST, Icmpv6Packet.TYPE_ECHO_REPLY -> {
                return code != 0 ? Parsed.err(WireError.BAD_CODE)
                        : Parsed.ok(new Echo(type == Icmpv6Packet.TYPE_ECHO_REQUEST ? Echo.Kind.REQUEST : Echo.Kind.REPLY,
                                p.identifier(), p.sequence(), data));
            }
            case Icmpv6Packet.TYPE_MULTICAST_LISTENER_QUERY -> {
                return query(p, source);
            }
            case Icmpv6Packet.TYPE_MULTICAST_LISTENER_REPORT_V2 -> {
                return report(p);
            }
            case Icmpv6Packet.TYPE_ROUTER_SOLICITATION, Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT,
                    Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION, Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT,
                    Icmpv6Packet.TYPE_REDIRECT -> {
                if (hopLimit != 255) {
                    return Parsed.err(WireError.BAD_HOP_LIMIT);
                }
                if (code != 0) {
                    return Parsed.err(WireError.BAD_CODE);
                }
                int fixed = switch (type) {
                    case Icmpv6Packet.TYPE_ROUTER_SOLICITATION -> Icmpv6Packet.HEADER_LENGTH;
                    case Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT -> RouterAdvertisement.MIN_LENGTH;
                    case Icmpv6Packet.TYPE_REDIRECT -> Redirect.MIN_LENGTH;
                    default -> NeighborSolicitation.MIN_LENGTH;
                };
                if (len < fixed) {
                    return Parsed.err(WireError.TRUNCATED);
                }
                return switch (NdpOption.parse(b, at + fixed, len - fixed)) {
                    case Parsed.Err<List<NdpOption>> e -> Parsed.err(e.reason());
                    case Parsed.Ok<List<NdpOption>>(List<NdpOption> options) ->
                            neighborDiscovery(p, type, options, source, destination);
                };
            }
            default -> {
                return Parsed.err(WireError.UNSUPPORTED_TYPE);
            }
        }
    }

    private static Parsed<Icmpv6Repr> neighborDiscovery(Icmpv6Packet p, int type, List<NdpOption> options,
            Ipv6Address source, Ipv6Address destination) {
        ByteBuffer b = p.buffer();
        int at = p.offset();
        boolean sourceLinkLayer = false;
        for (NdpOption o : options) {
            sourceLinkLayer |= o instanceof NdpOption.SourceLinkLayerAddress;
        }
        switch (type) {
            case Icmpv6Packet.TYPE_ROUTER_SOLICITATION -> {
                // "If the IP source address is the unspecified address, there is no source link-layer
                // address option in the message" (RFC 4861 section 6.1.1).
                if (source.isUnspecified() && sourceLinkLayer) {
                    return Parsed.err(WireError.BAD_SOURCE);
                }
                return Parsed.ok(new RouterSolicitation(options));
            }
            case Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT -> {
                if (!source.isLinkLocal()) {
                    return Parsed.err(WireError.BAD_SOURCE);
                }
                int flags = u8(b, at + 5);
                return Parsed.ok(new RouterAdvertisement(u8(b, at + 4), (flags & 0x80) != 0, (flags & 0x40) != 0,
                        RouterPreference.of(flags >>> 3 & 3), u16(b, at + 6), i32(b, at + 8) & 0xffff_ffffL,
                        i32(b, at + 12) & 0xffff_ffffL, options));
            }
            case Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION -> {
                Ipv6Address target = Ipv6Address.read(b, at + 8);
                if (target.isMulticast()) {
                    return Parsed.err(WireError.BAD_TARGET);
                }
                if (source.isUnspecified() && (sourceLinkLayer || !isSolicitedNode(destination))) {
                    return Parsed.err(WireError.BAD_SOURCE);
                }
                return Parsed.ok(new NeighborSolicitation(target, options));
            }
            case Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT -> {
                Ipv6Address target = Ipv6Address.read(b, at + 8);
                if (target.isMulticast()) {
                    return Parsed.err(WireError.BAD_TARGET);
                }
                int flags = p.body();
                boolean solicited = (flags & 0x4000_0000) != 0;
                if (solicited && destination.isMulticast()) {
                    return Parsed.err(WireError.BAD_DESTINATION);
                }
                return Parsed.ok(new NeighborAdvertisement(flags < 0, solicited, (flags & 0x2000_0000) != 0, target, options));
            }
            default -> {
                if (!source.isLinkLocal()) {
                    return Parsed.err(WireError.BAD_SOURCE);
                }
                Ipv6Address target = Ipv6Address.read(b, at + 8);
                Ipv6Address redirected = Ipv6Address.read(b, at + 24);
                // "The ICMP Destination Address field ... is not a multicast address" and "the ICMP Target
                // Address is either a link-local address ... or the same as the ICMP Destination Address" (8.1).
                if (redirected.isMulticast() || !(target.isLinkLocal() || target.equals(redirected))) {
                    return Parsed.err(WireError.BAD_TARGET);
                }
                return Parsed.ok(new Redirect(target, redirected, options));
            }
        }
    }

    private static Parsed<Icmpv6Repr> query(Icmpv6Packet p, Ipv6Address source) {
        ByteBuffer b = p.buffer();
        int at = p.offset();
        int len = p.length();
        if (!source.isLinkLocal()) {
            return Parsed.err(WireError.BAD_SOURCE);
        }
        if (p.code() != 0) {
            return Parsed.err(WireError.BAD_CODE);
        }
        Ipv6Address group = len >= MulticastListenerQueryV1.LENGTH ? Ipv6Address.read(b, at + 8) : null;
        if (len == MulticastListenerQueryV1.LENGTH) {
            return Parsed.ok(new MulticastListenerQueryV1(u16(b, at + 4), group));
        }
        // "If the Length is ... greater than or equal to 28 octets, the message is an MLDv2 Query"; other lengths are ignored (RFC 3810 section 8.1).
        if (len < MulticastListenerQuery.MIN_LENGTH) {
            return Parsed.err(WireError.BAD_LENGTH);
        }
        int n = u16(b, at + 26);
        if (n > MulticastListenerQuery.MAX_SOURCES) {
            return Parsed.err(WireError.BAD_LENGTH);
        }
        if (MulticastListenerQuery.MIN_LENGTH + 16 * n > len) {
            return Parsed.err(WireError.TRUNCATED);
        }
        List<Ipv6Address> sources = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sources.add(Ipv6Address.read(b, at + MulticastListenerQuery.MIN_LENGTH + 16 * i));
        }
        int sqrv = u8(b, at + 24);
        return Parsed.ok(new MulticastListenerQuery(u16(b, at + 4), group, (sqrv & 8) != 0, sqrv & 7, u8(b, at + 25),
                sources));
    }

    private static Parsed<Icmpv6Repr> report(Icmpv6Packet p) {
        if (p.code() != 0) {
            return Parsed.err(WireError.BAD_CODE);
        }
        ByteBuffer b = p.buffer();
        int end = p.offset() + p.length();
        int count = u16(b, p.offset() + 6);
        int i = p.dataOffset();
        List<MulticastAddressRecord> records = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            if (end - i < 20) {
                return Parsed.err(WireError.OPTION_TRUNCATED);
            }
            int recordType = u8(b, i);
            int aux = u8(b, i + 1) * 4;
            int sources = u16(b, i + 2);
            int size = 20 + 16 * sources + aux;
            if (size > end - i) {
                return Parsed.err(WireError.OPTION_TRUNCATED);
            }
            if (recordType >= 1 && recordType <= RecordType.values().length) {
                List<Ipv6Address> list = new ArrayList<>(sources);
                for (int s = 0; s < sources; s++) {
                    list.add(Ipv6Address.read(b, i + 20 + 16 * s));
                }
                records.add(new MulticastAddressRecord(RecordType.values()[recordType - 1], Ipv6Address.read(b, i + 4),
                        list, Octets.copyOf(b, i + 20 + 16 * sources, aux)));
            }
            i += size;
        }
        return Parsed.ok(new MulticastListenerReport(records));
    }

}
