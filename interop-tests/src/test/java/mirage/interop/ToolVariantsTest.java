package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parsers of {@link ToolVariants} on output captured from each program (Debian 12: iputils
 * 20221126, Habets' arping 2.23, GNU inetutils ping 2.4), so they are checked on a machine that
 * has only one of them, or none. Needs no root and no tool.
 */
class ToolVariantsTest {
    static final String IPUTILS_ARPING = """
            ARPING 10.9.0.2 from 10.9.0.1 ha3569
            Unicast reply from 10.9.0.2 [06:DB:FD:44:5E:E3]  0.520ms
            Unicast reply from 10.9.0.2 [06:DB:FD:44:5E:E3]  0.532ms
            Sent 2 probes (1 broadcast(s))
            Received 2 response(s)
            """;
    static final String HABETS_ARPING = """
            ARPING 10.9.0.2
            42 bytes from 06:db:fd:44:5e:e3 (10.9.0.2): index=0 time=7.217 usec
            42 bytes from 06:db:fd:44:5e:e3 (10.9.0.2): index=1 time=6.725 usec

            --- 10.9.0.2 statistics ---
            2 packets transmitted, 2 packets received,   0% unanswered (0 extra)
            rtt min/avg/max/std-dev = 0.007/0.007/0.007/0.000 ms
            """;
    static final String HABETS_TIMEOUT = """
            ARPING 10.9.0.9
            Timeout
            Timeout

            --- 10.9.0.9 statistics ---
            2 packets transmitted, 0 packets received, 100% unanswered (0 extra)
            """;

    @Test
    void bothArpingsAreKnownByTheirVersionText_andNothingElse() {
        assertEquals(ToolVariants.Arping.IPUTILS, ToolVariants.arpingOf("arping from iputils 20221126\nlibcap: yes, IDN: yes"));
        assertEquals(ToolVariants.Arping.HABETS, ToolVariants.arpingOf(
                "arping: option requires an argument -- 'V'\nARPing 2.23, by Thomas Habets <thomas@habets.se>\nusage: arping"));
        assertNull(ToolVariants.arpingOf("arping: not found"));
        assertNull(ToolVariants.arpingOf(""));
    }

    @Test
    void bothArpingsRepliesParseToTheSameAddressesAndMacs() {
        List<ToolVariants.ArpReply> expected = List.of(new ToolVariants.ArpReply("10.9.0.2", "06:db:fd:44:5e:e3"),
                new ToolVariants.ArpReply("10.9.0.2", "06:db:fd:44:5e:e3"));
        assertEquals(expected, ToolVariants.arpReplies(ToolVariants.Arping.IPUTILS, IPUTILS_ARPING));
        assertEquals(expected, ToolVariants.arpReplies(ToolVariants.Arping.HABETS, HABETS_ARPING));
        assertEquals(List.of(), ToolVariants.arpReplies(ToolVariants.Arping.HABETS, HABETS_TIMEOUT));
        assertEquals(List.of(), ToolVariants.arpReplies(ToolVariants.Arping.HABETS, IPUTILS_ARPING), "one program's parser, not both");
    }

    @Test
    void eachArpingGetsItsOwnInterfaceOption() {
        assertEquals(List.of("arping", "-c", "2", "-w", "5", "-I", "tap0", "10.0.0.2"),
                ToolVariants.arpingCommand(ToolVariants.Arping.IPUTILS, "tap0", "10.0.0.2", 2, 5));
        assertEquals(List.of("arping", "-c", "2", "-w", "5", "-i", "tap0", "10.0.0.2"),
                ToolVariants.arpingCommand(ToolVariants.Arping.HABETS, "tap0", "10.0.0.2", 2, 5));
    }

    @Test
    void bothPingsAreKnown_andTheirSummariesParse() {
        assertEquals(ToolVariants.Ping.IPUTILS, ToolVariants.pingOf("ping from iputils 20221126"));
        assertEquals(ToolVariants.Ping.INETUTILS, ToolVariants.pingOf("ping: invalid option -- 'V'\nping (GNU inetutils) 2.4"));
        assertNull(ToolVariants.pingOf("BusyBox v1.36.1 (Debian 1:1.36.1-3) multi-call binary."));
        assertEquals(new ToolVariants.PingSummary(2, 2), ToolVariants.pingSummary("""
                --- 10.9.1.2 ping statistics ---
                2 packets transmitted, 2 received, 0% packet loss, time 206ms
                """));
        assertEquals(new ToolVariants.PingSummary(3, 3), ToolVariants.pingSummary("""
                8008 bytes from 10.9.1.2: icmp_seq=2 ttl=64 time=0.077 ms
                --- 10.9.1.2 ping statistics ---
                3 packets transmitted, 3 packets received, 0% packet loss
                """));
        assertEquals(new ToolVariants.PingSummary(5, 3), ToolVariants.pingSummary(
                "5 packets transmitted, 3 received, +2 errors, 40% packet loss, time 4005ms"));
        assertNull(ToolVariants.pingSummary("ping: connect: Network is unreachable"));
    }
}
