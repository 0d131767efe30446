package mirage.net.internal.engine.dhcp;

import static mirage.net.internal.engine.dhcp.DhcpClientFuzzTest.DECLINE;
import static mirage.net.internal.engine.dhcp.DhcpClientFuzzTest.PATCH;
import static mirage.net.internal.engine.dhcp.DhcpClientFuzzTest.POLL;
import static mirage.net.internal.engine.dhcp.DhcpClientFuzzTest.RELEASE;
import static mirage.net.internal.engine.dhcp.DhcpClientFuzzTest.START;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.DhcpOptions;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.engine.dhcp.DhcpClient.State;
import org.junit.jupiter.api.Test;

/**
 * The seeds of {@link DhcpClientFuzzTest#replies}: the server messages of the captured dnsmasq
 * exchange (the wire layer's golden vectors) in the fuzz input's step form, arranged to take the
 * client through every state. This test checks that the files under
 * {@code src/test/resources/mirage/net/internal/engine/dhcp/DhcpClientFuzzTestInputs/replies/}
 * are the ones built here (run it with {@code -Dmirage.seeds.update=true} to rewrite them) and
 * that each seed does what its name says.
 */
class DhcpClientFuzzSeedsTest {
    private static final String GOLDEN = "/mirage/net/internal/wire/dhcp/DhcpMessageFuzzTestInputs/parse/";
    private static final String DIR = "DhcpClientFuzzTestInputs/replies/";

    /** A seed under construction. */
    private static final class Seed {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Seed(int config) {
            out.write(config);
        }

        Seed step(int flags, int seconds, byte[] reply) {
            out.write(flags);
            out.write(seconds >>> 8);
            out.write(seconds);
            out.write(reply.length >>> 8);
            out.write(reply.length);
            out.writeBytes(reply);
            return this;
        }

        Seed step(int flags, int seconds) {
            return step(flags, seconds, new byte[0]);
        }

        Seed reply(byte[] reply) {
            return step(PATCH, 0, reply);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static byte[] golden(String name) {
        try (InputStream in = DhcpClientFuzzSeedsTest.class.getResourceAsStream(GOLDEN + name)) {
            assertNotNull(in, "missing golden message " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The golden ACK turned into a DHCPNAK from the same server (RFC 2131 table 3: no address, no lease options). */
    static byte[] nak() {
        DhcpMessage ack = DhcpMessage.parse(golden("dnsmasq-ack")).orThrow();
        DhcpOptions o = DhcpOptions.builder().messageType(MessageType.NAK)
                .serverIdentifier(ack.options().serverIdentifier().orElseThrow()).message("wrong address").build();
        return TestServer.reply(ack, mirage.net.Ipv4Address.UNSPECIFIED, o).toBytes();
    }

    /** Every seed by file name. */
    static Map<String, byte[]> seeds() {
        byte[] offer = golden("dnsmasq-offer");
        byte[] ack = golden("dnsmasq-ack");
        byte[] ackAgain = golden("dnsmasq-ack-again");
        byte[] nak = nak();
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("exchange", new Seed(0).step(START, 0).reply(offer).reply(ack).step(POLL, 1800).reply(ackAgain).bytes());
        m.put("exchange-udhcpc-unicast", new Seed(2).step(START, 0).reply(golden("dnsmasq-offer-udhcpc"))
                .reply(golden("dnsmasq-ack-udhcpc")).bytes());
        m.put("retransmissions", new Seed(0).step(START, 0).step(POLL, 5).step(POLL, 9).step(POLL, 17).reply(offer)
                .step(POLL, 5).step(POLL, 9).reply(ack).bytes());
        m.put("nak-requesting", new Seed(0).step(START, 0).reply(offer).reply(nak).step(POLL, 1).reply(offer)
                .reply(ack).bytes());
        m.put("renew-nak", new Seed(0).step(START, 0).reply(offer).reply(ack).step(POLL, 1800).reply(nak).bytes());
        m.put("rebind-ack", new Seed(0).step(START, 0).reply(offer).reply(ack).step(POLL, 3150).reply(ackAgain).bytes());
        m.put("expire", new Seed(0).step(START, 0).reply(offer).reply(ack).step(POLL, 1800).step(POLL, 1350)
                .step(POLL, 450).reply(offer).bytes());
        m.put("decline", new Seed(0).step(START, 0).reply(offer).reply(ack).step(DECLINE, 1).step(POLL, 10)
                .reply(offer).reply(ack).bytes());
        m.put("release", new Seed(0).step(START, 0).reply(offer).reply(ack).step(RELEASE, 60).step(START, 1)
                .reply(offer).bytes());
        m.put("reboot-ack", new Seed(1).step(START, 0).reply(ack).bytes());
        m.put("reboot-nak", new Seed(1).step(START, 0).reply(nak).step(POLL, 1).reply(offer).bytes());
        m.put("truncated-offer", new Seed(0).step(START, 0).reply(Arrays.copyOf(offer, 250)).reply(offer).bytes());
        return m;
    }

    /** What each seed must have done, so that a seed that stops reaching its state is noticed. */
    private static final Map<String, Predicate<Exerciser>> EFFECTS = Map.ofEntries(
            Map.entry("exchange", x -> x.client.state() == State.BOUND && x.client.stats().acksAccepted() == 2),
            Map.entry("exchange-udhcpc-unicast", x -> x.client.state() == State.BOUND),
            Map.entry("retransmissions", x -> x.client.state() == State.BOUND && x.client.stats().discoversSent() == 4
                    && x.client.stats().requestsSent() == 3),
            Map.entry("nak-requesting", x -> x.client.state() == State.BOUND && x.client.stats().naksAccepted() == 1),
            Map.entry("renew-nak", x -> x.client.state() == State.INIT && x.client.stats().leasesLost() == 1),
            Map.entry("rebind-ack", x -> x.client.state() == State.BOUND && x.client.stats().acksAccepted() == 2),
            Map.entry("expire", x -> x.client.state() == State.REQUESTING && x.client.stats().leasesLost() == 1),
            Map.entry("decline", x -> x.client.state() == State.BOUND && x.client.stats().declinesSent() == 1),
            Map.entry("release", x -> x.client.state() == State.REQUESTING && x.client.stats().releasesSent() == 1),
            Map.entry("reboot-ack", x -> x.client.state() == State.BOUND && x.client.stats().discoversSent() == 0),
            Map.entry("reboot-nak", x -> x.client.state() == State.REQUESTING && x.client.stats().naksAccepted() == 1),
            Map.entry("truncated-offer", x -> x.client.state() == State.REQUESTING && x.client.stats().malformed() == 1));

    @Test
    void seedFiles_areTheGeneratedOnes() throws IOException {
        Map<String, byte[]> seeds = seeds();
        if (Boolean.getBoolean("mirage.seeds.update")) {
            Path dir = Path.of("src/test/resources/mirage/net/internal/engine/dhcp").resolve(DIR);
            Files.createDirectories(dir);
            for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
            }
            return; // the class path holds the old files until the next build
        }
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            try (InputStream in = getClass().getResourceAsStream(DIR + e.getKey())) {
                assertNotNull(in, "seed file " + e.getKey() + " missing: run with -Dmirage.seeds.update=true");
                assertArrayEquals(e.getValue(), in.readAllBytes(), e.getKey());
            }
        }
    }

    @Test
    void everySeed_doesWhatItsNameSays() {
        Map<String, byte[]> seeds = seeds();
        assertEquals(EFFECTS.keySet(), seeds.keySet());
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Exerciser x = DhcpClientFuzzTest.run(e.getValue());
            assertTrue(EFFECTS.get(e.getKey()).test(x), e.getKey() + ": " + x.client.state() + " " + x.client.stats());
        }
    }
}
