package fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import mirage.net.IpAddress;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** {@link HttpUrl}: the URLs fetch takes, and a one-line error naming the rule for the rest. */
class HttpUrlTest {

    @Test
    void ipv6Literal_withAndWithoutPort() {
        assertEquals(new HttpUrl(Ipv6Address.parse("fd00::1"), 8080, "/big.bin"), HttpUrl.parse("http://[fd00::1]:8080/big.bin"));
        assertEquals(new HttpUrl(Ipv6Address.parse("fd00::1"), 80, "/big.bin"), HttpUrl.parse("http://[fd00::1]/big.bin"));
        assertEquals(new HttpUrl(Ipv6Address.parse("fd00::1"), 80, "/"), HttpUrl.parse("http://[FD00::1]"));
        assertEquals(new HttpUrl(Ipv6Address.parse("fd00::1"), 80, "/"), HttpUrl.parse("HTTP://[fd00::1]:/"), "an empty port is the default");
        assertEquals(new HttpUrl(Ipv6Address.parse("::ffff:10.0.0.1"), 81, "/?q=1"), HttpUrl.parse("http://[::ffff:10.0.0.1]:81?q=1"));
        assertEquals("[fd00::1]:8080", HttpUrl.parse("http://[fd00::1]:8080/").hostHeader());
        assertEquals("[fd00::1]", HttpUrl.parse("http://[fd00::1]:80/").hostHeader());
    }

    @Test
    void ipv4Literal_queryKept_fragmentNotSent() {
        assertEquals(new HttpUrl(Ipv4Address.parse("10.0.0.1"), 8000, "/a/b?x=1&y=%20"), HttpUrl.parse("http://10.0.0.1:8000/a/b?x=1&y=%20#top"));
        assertEquals("10.0.0.1:8000", HttpUrl.parse("http://10.0.0.1:8000/").hostHeader());
    }

    @Test
    void malformed_oneLineNamingTheRule() {
        String[][] cases = {
            {"https://[fd00::1]/", "only http:// URLs"},
            {"http://fd00::1/", "an IPv6 address in a URL goes in brackets: http://[fd00::1]/"},
            {"http://fd00::1:8080/", "goes in brackets"},
            {"http://[fd00::1/", "'[' without ']'"},
            {"http://fd00::1]/", "']' without '['"},
            {"http://[fd00::1]x/", "after the host"},
            {"http://[fd00::1]:65536/", "port 65536 is not 1 to 65535"},
            {"http://[fd00::1]:0/", "port 0 is not 1 to 65535"},
            {"http://[fd00::1]:8o/", "port '8o' is not a number"},
            {"http://[fd00::1]:123456/", "port '123456'"},
            {"http://[fd00::g]/", "fd00::g"},
            {"http://[fd00:::1]/", "fd00:::1"},
            {"http://[fe80::1%25eth0]/", "zone identifiers (RFC 6874) are not supported"},
            {"http://[10.0.0.1]/", "brackets hold an IPv6 address"},
            {"http://example.org/", "'example.org' is not an IPv4 address (fetch has no resolver"},
            {"http://user@[fd00::1]/", "user information"},
            {"http:///x", "no host"},
            {"http://[fd00::1]/a b", "character U+0020 at 18 must be percent-encoded"},
            {"http:\n/fd00::0/", "character U+000A at 5 must be percent-encoded"}, // not the scheme's message, which quotes the text
            {"http://10.0.0.256/", "10.0.0.256"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpUrl.parse(c[0]), c[0]);
            assertTrue(e.getMessage().startsWith("--url"), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    static Gen<IpAddress> addresses() {
        Gen<IpAddress> v4 = integers().all().map(i -> (IpAddress) new Ipv4Address(i));
        Gen<IpAddress> v6 = longs().all().zip(longs().all(), (hi, lo) -> (IpAddress) new Ipv6Address(hi, lo));
        return v4.mix(v6);
    }

    /** Any address, port and path written as a URL (port omitted when 80) parses back to them. */
    @Test
    void anyUrlWeWrite_parsesBack() {
        String pathChars = "abcXYZ019-._~!$&'()*+,;=:@/%?";
        Gen<String> paths = integers().between(0, 40).zip(longs().all(), (n, seed) -> {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
            StringBuilder b = new StringBuilder("/");
            for (int i = 0; i < n; i++) {
                b.append(pathChars.charAt(r.nextInt(pathChars.length())));
            }
            return b.toString();
        });
        qt().forAll(addresses(), integers().between(1, 65535), paths).checkAssert((a, port, path) -> {
            HttpUrl u = new HttpUrl(a, port, path);
            String text = "http://" + u.hostHeader() + path;
            assertEquals(u, HttpUrl.parse(text), text);
        });
    }
}
