/**
 * Wire formats: Ethernet II with 802.1Q tags, ARP, IPv4, ICMPv4, UDP and TCP over both IPv4 and
 * IPv6, IPv6 with its extension headers, ICMPv6 with Neighbor Discovery and MLD, as byte layouts
 * and nothing else (DESIGN.md section 3: {@code wire} &larr; {@code engine} &larr; {@code binding}).
 * No state, no I/O, no time, nothing of {@code engine}. The rules below hold for every type
 * here; the classes only say where they add to them.
 *
 * <h2>Two types per protocol</h2>
 * <ul>
 *   <li>A <b>view</b> ({@code EthernetFrame}, {@code ArpPacket}, {@code Ipv4Packet},
 *       {@code Icmpv4Packet}, {@code UdpPacket}, {@code TcpSegment}, {@code Ipv6Packet},
 *       {@code Ipv6HeaderChain}, {@code Icmpv6Packet}): a zero-copy window on a region
 *       {@code [offset, offset + length)} of a {@link java.nio.ByteBuffer}, reading fields in
 *       network byte order at absolute indexes. A view is bound only by its {@code check}:
 *       there is no way to make a view of unchecked bytes. {@code check} returns
 *       {@code false} for malformed bytes and {@code error()} then names the
 *       {@link mirage.net.internal.wire.WireError}; it never throws for any content of the
 *       region.</li>
 *   <li>A <b>representation</b> ({@code EthernetRepr}, {@code ArpRepr}, {@code Ipv4Repr},
 *       {@code Icmpv4Repr}, {@code UdpRepr}, {@code TcpRepr}, {@code Ipv6Repr} with
 *       {@code Ipv6ExtensionHeader} and {@code Ipv6Option}, {@code Icmpv6Repr} with
 *       {@code NdpOption}): an immutable record whose constructor refuses
 *       values the format cannot carry (with {@link java.lang.IllegalArgumentException}: that is
 *       a programming error, not bad input). {@code parse(view)} returns
 *       {@link mirage.net.internal.wire.Parsed.Ok} or {@link mirage.net.internal.wire.Parsed.Err}
 *       with a reason: the semantic rules (checksums, reserved bits, known codes) live here,
 *       the length rules in the view's check.</li>
 * </ul>
 *
 * <h2>IPv6: structure, then verdicts</h2>
 * An IPv6 packet is read in two steps. {@code Ipv6Packet} checks the fixed header;
 * {@code Ipv6HeaderChain} walks the extension headers. Its {@code check} is the destination's
 * processing of RFC 8200 section 4 and reports, besides the {@code WireError}, what the sender is
 * owed: the pointer of a Parameter Problem and, for an unrecognised option, its
 * {@code Ipv6OptionAction} (skip, discard, discard and report, discard and report unless
 * multicast). Its {@code checkStructure} asks only that the chain be well-formed, which is what
 * {@code Ipv6Repr.parse} needs to represent any packet. Upper-layer checksums over IPv6 use the
 * pseudo-header of RFC 8200 section 8.1 ({@code InternetChecksum.pseudoHeader(Ipv6Address, ...)},
 * or {@code Ipv6Packet.pseudoHeaderSum} without allocating); {@code UdpRepr} and {@code TcpRepr}
 * parse and emit over either family. ICMPv6 parse takes the addresses and the hop limit of the
 * packet that carried it, since the validity rules of RFC 4861 and RFC 3810 are about them.
 *
 * <h2>The rules</h2>
 * <ol>
 *   <li><b>After {@code check} returns true, no accessor of the view throws</b>, whatever the
 *       bytes: every offset an accessor reads was proved inside the region by the check.
 *       (Accessors taking an index, like {@code tagControl(i)}, throw for an index outside
 *       their range: that is the caller's bug.) Before any check, or after one that returned
 *       false, the view is unbound and accessors throw {@link IndexOutOfBoundsException}.</li>
 *   <li><b>Bytes from the network never raise an exception</b>: {@code check} and
 *       {@code parse} report a {@link mirage.net.internal.wire.WireError}. Only a region outside
 *       the buffer (an {@link IndexOutOfBoundsException}) is thrown, since the caller chose it.</li>
 *   <li><b>{@code emit(buffer, offset, ...)} writes exactly {@code bufferLen()} bytes</b> at
 *       {@code offset} and never fails on a writable buffer with that many bytes there; it
 *       computes every checksum it covers. {@code parse} of what {@code emit} wrote gives an
 *       equal record.</li>
 *   <li><b>No allocation on a view's path</b>: {@code check} and the accessors allocate
 *       nothing, so a view can be kept per layer and re-checked for every packet (views are not
 *       thread-safe; the loop owns them). Representations may allocate.</li>
 *   <li><b>Buffers are borrowed</b>: nothing here changes a buffer's position, limit, mark or
 *       byte order, or keeps it beyond the next {@code check} of the same view.</li>
 *   <li><b>Constants cite the clause they implement</b> (RFC 894, 826, 791, 792, 768, 1071,
 *       1624, 9293, 7323, 2018, IEEE 802.1Q; for IPv6 RFC 8200, 5095, 7112, 6946, 4443, 4861,
 *       8106, 4191, 3810, 2710, 2711).</li>
 * </ol>
 *
 * <h2>Why {@link java.nio.ByteBuffer} and not {@link java.lang.foreign.MemorySegment}</h2>
 * Every source of frames this stack binds to hands out or accepts {@code ByteBuffer}s without
 * a copy or a wrapper: channels ({@code DatagramChannel}, {@code FileChannel} for pcap and the
 * framed stream), heap arrays in tests, direct buffers for TAP reads, and
 * {@code MemorySegment.asByteBuffer()} for shared-memory rings. Absolute {@code get(int)} on a
 * {@code ByteBuffer} is bounds-checked and intrinsified. Turning a buffer into a segment
 * ({@code MemorySegment.ofBuffer}) allocates, so a segment-based view would allocate per
 * packet wherever the bytes arrive in a buffer. Fields are composed from bytes, so the buffer's
 * {@code order()} does not matter. See docs/decisions/0013-net-wire.md.
 *
 * <h2>Not covered</h2>
 * IPv6 jumbograms (RFC 2675), Routing header types' data (none is processed: a host refuses
 * segments left), MLDv1 reports and done messages, Secure Neighbor Discovery (RFC 3971) options
 * other than as unknown options, link-layer addresses other than Ethernet's in NDP options;
 * DHCP's format is the subpackage {@code dhcp}, whose view is checked and parsed
 * with the same {@link mirage.net.internal.wire.Parsed} and {@link mirage.net.internal.wire.WireError}; the layout of TCP options ({@code TcpRepr}
 * drops No-Operation padding, docs/decisions/0022); ARP for other than Ethernet/IPv4; ICMPv4 types
 * other than echo, destination unreachable and time exceeded (ICMPv6: all of RFC 4443); more than two VLAN tags; the
 * IEEE 802.3 length/LLC encapsulation (RFC 1042); IPv4 option semantics (options are carried
 * as bytes, checked for well-formedness only).
 */
package mirage.net.internal.wire;
