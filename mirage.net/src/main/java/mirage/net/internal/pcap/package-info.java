/**
 * Packet captures in the classic libpcap file format, which tcpdump, Wireshark and tshark
 * read: a debug device like smoltcp's {@code phy/pcap_writer.rs}. The format (24-byte global
 * header, then a 16-byte header before each packet) is the one of
 * draft-ietf-opsawg-pcap (the "PCAP Capture File Format" Internet-Draft) and
 * pcap-savefile(5); link types are those of the tcpdump.org LINKTYPE registry.
 */
package mirage.net.internal.pcap;
