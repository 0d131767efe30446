package mirage.net.internal.engine.ndp;

import java.util.Objects;
import mirage.net.MacAddress;

/**
 * What a {@link Slaac} needs: how interface identifiers are made, the inputs of RFC 7217's
 * function, the Duplicate Address Detection variables of RFC 4862 section 5.1, and the bound on
 * addresses.
 *
 * @param identifiers {@link Identifiers#STABLE_PRIVACY} (RFC 7217, the default) or
 *     {@link Identifiers#EUI64} (RFC 4291 Appendix A, from {@code mac})
 * @param mac the interface's MAC address (EUI-64 identifiers)
 * @param netIface RFC 7217's Net_Iface: something stable that names the interface (its MAC
 *     address's octets will do); not kept secret
 * @param networkId RFC 7217's optional Network_ID (e.g. the SSID); empty for none
 * @param secretKey RFC 7217's secret_key: at least 128 bits from the platform's entropy, the same
 *     across restarts for stable addresses; the record keeps the caller's array (do not change it)
 * @param dupAddrDetectTransmits DupAddrDetectTransmits (RFC 4862 section 5.1): probes per
 *     address, 1 by default; 0 turns Duplicate Address Detection off
 * @param retransTimerNanos RetransTimer, the interval between probes and the wait after the last
 *     (RFC 4861's RETRANS_TIMER, 1 s, until a Router Advertisement says otherwise)
 * @param maxAddresses most addresses held, the link-local one included (16, as Linux's
 *     {@code max_addresses}); prefixes beyond are ignored and counted
 * @param idgenRetries IDGEN_RETRIES (RFC 7217 section 6): new identifiers tried after a duplicate, 3
 */
public record SlaacConfig(Identifiers identifiers, MacAddress mac, byte[] netIface, byte[] networkId, byte[] secretKey,
        int dupAddrDetectTransmits, long retransTimerNanos, int maxAddresses, int idgenRetries) {

    /** How interface identifiers are formed. */
    public enum Identifiers {
        /** Semantically opaque, stable per prefix and network (RFC 7217 section 5). */
        STABLE_PRIVACY,
        /** Modified EUI-64 from the MAC address (RFC 4291 Appendix A): the same on every network. */
        EUI64
    }

    /** The least secret key RFC 7217 section 5 allows: 128 bits. */
    public static final int MIN_SECRET_KEY_BYTES = 16;

    public SlaacConfig {
        Objects.requireNonNull(identifiers, "identifiers");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(netIface, "netIface");
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(secretKey, "secretKey");
        if (identifiers == Identifiers.STABLE_PRIVACY && secretKey.length < MIN_SECRET_KEY_BYTES) {
            throw new IllegalArgumentException("RFC 7217 needs a secret key of at least 128 bits: " + secretKey.length
                    + " bytes");
        }
        if (dupAddrDetectTransmits < 0 || maxAddresses < 1 || idgenRetries < 0) {
            throw new IllegalArgumentException("DupAddrDetectTransmits and IDGEN_RETRIES must not be negative, "
                    + "maxAddresses positive: " + dupAddrDetectTransmits + ", " + idgenRetries + ", " + maxAddresses);
        }
        if (retransTimerNanos <= 0) {
            throw new IllegalArgumentException("RetransTimer must be positive: " + retransTimerNanos);
        }
    }

    /**
     * RFC 7217 identifiers with the defaults: one probe, RetransTimer 1 s, 16 addresses, 3 retries;
     * Net_Iface the MAC address's octets, no Network_ID.
     */
    public static SlaacConfig stablePrivacy(MacAddress mac, byte[] secretKey) {
        return new SlaacConfig(Identifiers.STABLE_PRIVACY, mac, mac.toBytes(), new byte[0], secretKey, 1,
                1_000_000_000L, 16, 3);
    }

    /** EUI-64 identifiers with the same defaults (no secret is needed; retries are pointless). */
    public static SlaacConfig eui64(MacAddress mac) {
        return new SlaacConfig(Identifiers.EUI64, mac, mac.toBytes(), new byte[0], new byte[0], 1, 1_000_000_000L, 16, 0);
    }
}
