package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.put16;
import static mirage.net.internal.wire.Bytes.put48;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import mirage.net.MacAddress;

/**
 * A validated Ethernet II header: addresses, up to {@link EthernetFrame#MAX_TAGS} VLAN tags
 * (outermost first) and the EtherType. The payload is not part of it.
 */
public record EthernetRepr(MacAddress destination, MacAddress source, List<VlanTag> tags, int etherType) {

    /**
     * One 802.1Q/802.1ad tag (IEEE 802.1Q-2018 clause 9.6).
     *
     * @param protocol TPID: {@link EthernetFrame#TPID_CVLAN} or {@link EthernetFrame#TPID_SVLAN}
     * @param priority PCP, 0 to 7
     * @param dropEligible DEI
     * @param vlanId VID, 0 to 4095 (0: priority tag only; 4095 reserved, carried as is)
     */
    public record VlanTag(int protocol, int priority, boolean dropEligible, int vlanId) {
        public VlanTag {
            if (!EthernetFrame.isTpid(protocol)) {
                throw new IllegalArgumentException("TPID must be 0x8100 or 0x88a8: 0x" + Integer.toHexString(protocol));
            }
            if (priority < 0 || priority > 7) {
                throw new IllegalArgumentException("priority (PCP) must be 0..7: " + priority);
            }
            if (vlanId < 0 || vlanId > 0xfff) {
                throw new IllegalArgumentException("VLAN id must be 0..4095: " + vlanId);
            }
        }

        /** The TCI field. */
        public int control() {
            return priority << 13 | (dropEligible ? 1 << 12 : 0) | vlanId;
        }

        static VlanTag of(int protocol, int control) {
            return new VlanTag(protocol, control >>> 13, (control >>> 12 & 1) != 0, control & 0xfff);
        }
    }

    public EthernetRepr {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(source, "source");
        tags = List.copyOf(tags);
        if (tags.size() > EthernetFrame.MAX_TAGS) {
            throw new IllegalArgumentException("at most " + EthernetFrame.MAX_TAGS + " VLAN tags: " + tags.size());
        }
        if (etherType < EthernetFrame.MIN_ETHER_TYPE || etherType > 0xffff || EthernetFrame.isTpid(etherType)) {
            throw new IllegalArgumentException("EtherType must be 0x0600..0xffff and not a TPID: 0x" + Integer.toHexString(etherType));
        }
    }

    /** An untagged header. */
    public static EthernetRepr of(MacAddress destination, MacAddress source, int etherType) {
        return new EthernetRepr(destination, source, List.of(), etherType);
    }

    /** The header of a checked frame. */
    public static Parsed<EthernetRepr> parse(EthernetFrame frame) {
        int n = frame.tagCount();
        List<VlanTag> tags = switch (n) {
            case 0 -> List.of();
            case 1 -> List.of(VlanTag.of(frame.tagProtocol(0), frame.tagControl(0)));
            default -> List.of(VlanTag.of(frame.tagProtocol(0), frame.tagControl(0)),
                    VlanTag.of(frame.tagProtocol(1), frame.tagControl(1)));
        };
        return Parsed.ok(new EthernetRepr(new MacAddress(frame.destination()), new MacAddress(frame.source()), tags, frame.etherType()));
    }

    /** Header length: 14 plus 4 per tag. */
    public int bufferLen() {
        return EthernetFrame.HEADER_LENGTH + tags.size() * EthernetFrame.TAG_LENGTH;
    }

    /** Writes the header into {@code [offset, offset + bufferLen())}; position and limit are left alone. */
    public void emit(ByteBuffer buffer, int offset) {
        Objects.checkFromIndexSize(offset, bufferLen(), buffer.limit());
        put48(buffer, offset + EthernetFrame.DESTINATION, destination.bits());
        put48(buffer, offset + EthernetFrame.SOURCE, source.bits());
        int at = offset + EthernetFrame.TYPE;
        for (int i = 0; i < tags.size(); i++) {
            VlanTag t = tags.get(i);
            put16(buffer, at, t.protocol());
            put16(buffer, at + 2, t.control());
            at += EthernetFrame.TAG_LENGTH;
        }
        put16(buffer, at, etherType);
    }
}
