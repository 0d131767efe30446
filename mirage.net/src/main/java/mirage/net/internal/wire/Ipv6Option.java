package mirage.net.internal.wire;

import java.util.List;
import java.util.Objects;

/**
 * One option of a Hop-by-Hop or Destination Options header, padding included (RFC 8200 section
 * 4.2): a type and its data. Pad1 is type 0 with no data and takes one octet; every other option
 * takes two octets of type and length and then its data.
 */
public record Ipv6Option(int type, Octets data) {
    /** Pad1: one octet, no length or data (RFC 8200 section 4.2). */
    public static final int PAD1 = 0;
    /** PadN: two octets of type and length and that many zero octets. */
    public static final int PAD_N = 1;
    /** Router Alert (RFC 2711 section 2.1): two octets of value; MLD messages carry value 0 (RFC 3810 section 5). */
    public static final int ROUTER_ALERT = 5;
    /** The Router Alert value of an MLD message (RFC 2711 section 2.1: "0 Datagram contains a Multicast Listener Discovery message"). */
    public static final int ROUTER_ALERT_MLD = 0;

    public Ipv6Option {
        Objects.requireNonNull(data, "data");
        if (type < 0 || type > 0xff) {
            throw new IllegalArgumentException("option type must be 0..255: " + type);
        }
        if (type == PAD1 ? data.length() != 0 : data.length() > 0xff) {
            throw new IllegalArgumentException("Pad1 has no data; other options at most 255 octets: " + type + ", " + data);
        }
    }

    /** Whether this stack acts on options of {@code type}: Pad1, PadN and Router Alert; for any other type {@link Ipv6OptionAction#of} applies. */
    public static boolean recognized(int type) {
        return type == PAD1 || type == PAD_N || type == ROUTER_ALERT;
    }

    /** The Router Alert option for MLD messages (RFC 3810 section 5). */
    public static Ipv6Option routerAlertMld() {
        return new Ipv6Option(ROUTER_ALERT, Octets.of((byte) 0, (byte) ROUTER_ALERT_MLD));
    }

    /** The octets this option takes on the wire. */
    public int bufferLen() {
        return type == PAD1 ? 1 : 2 + data.length();
    }

    /**
     * {@code options} followed by the padding (Pad1 or PadN with zero octets) that makes the
     * two header octets and the options a multiple of 8 (RFC 8200 section 4.2).
     */
    public static List<Ipv6Option> padded(List<Ipv6Option> options) {
        int n = 2;
        for (Ipv6Option o : options) {
            n += o.bufferLen();
        }
        int pad = -n & 7;
        if (pad == 0) {
            return List.copyOf(options);
        }
        Ipv6Option padding = pad == 1 ? new Ipv6Option(PAD1, Octets.EMPTY) : new Ipv6Option(PAD_N, Octets.of(new byte[pad - 2]));
        java.util.ArrayList<Ipv6Option> out = new java.util.ArrayList<>(options);
        out.add(padding);
        return List.copyOf(out);
    }
}
