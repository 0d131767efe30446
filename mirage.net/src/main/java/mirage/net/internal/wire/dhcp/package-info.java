/**
 * The DHCP message wire format: RFC 2131 section 2 (the BOOTP fixed header of RFC 951 and the
 * magic cookie), RFC 2132 (options) and RFC 3396 (long options split into several instances).
 * Part of the wire layer ({@link mirage.net.internal.wire}): its outcomes are the layer's one
 * {@link mirage.net.internal.wire.Parsed} with a {@link mirage.net.internal.wire.WireError}.
 *
 * <p>The rules of this package, after smoltcp's {@code src/wire/mod.rs}:
 * <ul>
 *   <li>{@link mirage.net.internal.wire.dhcp.DhcpPacket} is a zero-copy view over a
 *       {@link java.nio.ByteBuffer}. {@link mirage.net.internal.wire.dhcp.DhcpPacket#wrap wrap} checks
 *       nothing, and its accessors may then throw {@link IndexOutOfBoundsException};
 *       {@link mirage.net.internal.wire.dhcp.DhcpPacket#checked checked} returns a view only after
 *       {@link mirage.net.internal.wire.dhcp.DhcpPacket#check check} found the fixed header, the
 *       magic cookie and the option framing sound, and then no accessor of it throws for any
 *       buffer content.
 *   <li>{@link mirage.net.internal.wire.dhcp.DhcpMessage} is the validated value:
 *       {@link mirage.net.internal.wire.dhcp.DhcpMessage#parse parse} returns either a message or a
 *       {@link mirage.net.internal.wire.WireError}, never throwing for any bytes;
 *       {@link mirage.net.internal.wire.dhcp.DhcpMessage#emit emit} writes exactly
 *       {@link mirage.net.internal.wire.dhcp.DhcpMessage#bufferLen bufferLen()} bytes, options in
 *       a fixed order, and never fails on a buffer that large; {@code parse(emit(m))} equals
 *       {@code m} for every message {@code m}.
 *   <li>Constructing a value that the wire cannot carry (an option too short, a field out of
 *       range) is a programming error and throws {@link IllegalArgumentException} at once.
 *   <li>Records hold addresses as {@link mirage.net.Ipv4Address} and {@link mirage.net.MacAddress};
 *       the view, being zero-copy, gives them as {@code int}s (most significant byte first on the wire).
 *   <li>Nothing here keeps state, reads a clock or does I/O.
 * </ul>
 */
package mirage.net.internal.wire.dhcp;
