package mirage.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.function.Function;

/**
 * Every address parser, on any text: returns a value whose canonical text parses back to it,
 * or throws an IllegalArgumentException whose message quotes the input; nothing else escapes.
 */
class AddressFuzzTest {

    static <T> void check(String text, String kind, Function<String, T> parse) {
        T value;
        try {
            value = parse.apply(text);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().startsWith(kind + " \""), e.getMessage());
            assertTrue(e.getMessage().length() < 400, e.getMessage());
            return;
        }
        assertEquals(value, parse.apply(value.toString()));
    }

    @FuzzTest(maxDuration = "10s")
    void mac(FuzzedDataProvider data) {
        check(data.consumeRemainingAsString(), "MAC address", MacAddress::parse);
    }

    @FuzzTest(maxDuration = "10s")
    void ipv4(FuzzedDataProvider data) {
        check(data.consumeRemainingAsString(), "IPv4 address", Ipv4Address::parse);
    }

    @FuzzTest(maxDuration = "10s")
    void ipv4Cidr(FuzzedDataProvider data) {
        check(data.consumeRemainingAsString(), "IPv4 CIDR", Ipv4Cidr::parse);
    }

    @FuzzTest(maxDuration = "10s")
    void ipv6(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        check(text, "IPv6 address", Ipv6Address::parse);
        try {
            Ipv6Address a = Ipv6Address.parse(text);
            AddressPropertiesTest.assertCanonical(a, a.toString());
        } catch (IllegalArgumentException expected) {
            // checked above
        }
    }

    @FuzzTest(maxDuration = "10s")
    void ipv6Cidr(FuzzedDataProvider data) {
        check(data.consumeRemainingAsString(), "IPv6 CIDR", Ipv6Cidr::parse);
    }
}
