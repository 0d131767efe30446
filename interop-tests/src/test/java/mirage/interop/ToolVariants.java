package mirage.interop;

import static org.junit.jupiter.api.Assumptions.abort;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The programs behind the commands whose output tests parse. Debian ships two {@code arping}s
 * (iputils-arping and Thomas Habets' arping, with different options and output) and two
 * {@code ping}s (iputils-ping and inetutils-ping); a test asks which one it has, runs it with
 * that one's options and parses that one's output, and skips with a clear message for a program
 * it does not know.
 */
final class ToolVariants {
    private ToolVariants() {}

    enum Arping { IPUTILS, HABETS }

    enum Ping { IPUTILS, INETUTILS }

    /** Which arping is installed: {@code arping -V} names iputils, or Habets' banner. */
    static Arping arping() {
        String v = versionText(List.of("arping", "-V"));
        Arping a = arpingOf(v);
        if (a == null) {
            abort("arping is neither iputils' nor Habets' (arping -V said: " + firstLine(v) + "): its output is not parsed here");
        }
        return a;
    }

    static Arping arpingOf(String versionText) {
        if (versionText.contains("arping from iputils")) {
            return Arping.IPUTILS;
        }
        if (versionText.contains("by Thomas Habets")) {
            return Arping.HABETS;
        }
        return null;
    }

    /** Which ping is installed: {@code ping -V} (iputils) or {@code ping --version} (GNU inetutils). */
    static Ping ping() {
        String v = versionText(List.of("ping", "-V"));
        if (!v.contains("ping from iputils")) {
            v = v + "\n" + versionText(List.of("ping", "--version"));
        }
        Ping p = pingOf(v);
        if (p == null) {
            abort("ping is neither iputils' nor GNU inetutils' (its version said: " + firstLine(v)
                    + "): its output is not parsed here");
        }
        return p;
    }

    static Ping pingOf(String versionText) {
        if (versionText.contains("ping from iputils")) {
            return Ping.IPUTILS;
        }
        if (versionText.contains("(GNU inetutils)")) {
            return Ping.INETUTILS;
        }
        return null;
    }

    /** {@code count} ARP requests for {@code address} on {@code link}, ending after {@code seconds} at most. */
    static List<String> arpingCommand(Arping variant, String link, String address, int count, int seconds) {
        return List.of("arping", "-c", Integer.toString(count), "-w", Integer.toString(seconds),
                variant == Arping.IPUTILS ? "-I" : "-i", link, address);
    }

    /** A reply arping printed: who answered for which address. */
    record ArpReply(String address, String mac) {}

    private static final Pattern IPUTILS_REPLY =
            Pattern.compile("Unicast reply from (\\S+) \\[([0-9A-Fa-f:]{17})\\]");
    private static final Pattern HABETS_REPLY =
            Pattern.compile("\\d+ bytes from ([0-9A-Fa-f:]{17}) \\((\\S+)\\): index=");

    /** The replies in {@code out}, MAC addresses in lower case. */
    static List<ArpReply> arpReplies(Arping variant, String out) {
        List<ArpReply> replies = new ArrayList<>();
        Matcher m = (variant == Arping.IPUTILS ? IPUTILS_REPLY : HABETS_REPLY).matcher(out);
        while (m.find()) {
            String address = variant == Arping.IPUTILS ? m.group(1) : m.group(2);
            String mac = variant == Arping.IPUTILS ? m.group(2) : m.group(1);
            replies.add(new ArpReply(address, mac.toLowerCase(Locale.ROOT)));
        }
        return replies;
    }

    /** Echo requests sent and replies received, from ping's summary line. */
    record PingSummary(int transmitted, int received) {}

    private static final Pattern PING_SUMMARY =
            Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");

    /** The summary in {@code out} (iputils: "N received", inetutils: "N packets received"), or null. */
    static PingSummary pingSummary(String out) {
        Matcher m = PING_SUMMARY.matcher(out);
        return m.find() ? new PingSummary(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))) : null;
    }

    /**
     * The command for {@code count} echo requests of {@code size} data bytes to {@code address},
     * {@code interval} apart, each waiting {@code wait} seconds for its reply: the options both
     * programs share.
     */
    static List<String> pingCommand(String address, int count, String interval, int size, int wait) {
        List<String> c = new ArrayList<>(List.of("ping", "-c", Integer.toString(count), "-i", interval, "-W",
                Integer.toString(wait)));
        if (size > 0) {
            c.add("-s");
            c.add(Integer.toString(size));
        }
        c.add(address);
        return c;
    }

    /**
     * The first line of {@code tshark -v} and, when it is Wireshark's TShark, its major version
     * (else -1): the capture checks use the field names and output of Wireshark 3 and later.
     */
    record Tshark(String versionLine, int major) {}

    static Tshark tshark() {
        String line = firstLine(versionText(List.of("tshark", "-v")));
        Matcher m = Pattern.compile("^TShark \\(Wireshark\\) (\\d+)\\.").matcher(line);
        return new Tshark(line, m.find() ? Integer.parseInt(m.group(1)) : -1);
    }

    private static String versionText(List<String> command) {
        Mirage.Result r = Mirage.exec(command, Duration.ofSeconds(10));
        return r.out() + r.err();
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
