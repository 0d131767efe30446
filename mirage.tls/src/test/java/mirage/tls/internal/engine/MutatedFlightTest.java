package mirage.tls.internal.engine;

import static mirage.tls.internal.engine.RecordFuzzTest.NOW;
import static mirage.tls.internal.engine.RecordFuzzTest.newClient;
import static mirage.tls.internal.engine.RecordFuzzTest.newServer;
import static mirage.tls.internal.engine.RecordFuzzTest.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import mirage.tls.Alert;
import mirage.tls.TlsException;
import mirage.tls.TlsException.Failure;
import mirage.tls.internal.engine.Wire.Record;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of valid handshake flights (issue 19 item 4, decision 0053): whatever a
 * hostile peer makes of a real ClientHello, server flight or client second flight, in TLS 1.3
 * and 1.2, our engine never throws, never sends or reports internal_error, reports every
 * failure with the alert it sent, and never waits when what it got is complete: a whole
 * ClientHello-sized first flight, or a TLS 1.2 server flight through ServerHelloDone, is answered
 * or refused.
 */
class MutatedFlightTest {

    /** Which real flight is mutated, and for whom. */
    enum Kind {
        CLIENT_HELLO_13, CLIENT_HELLO_12, SERVER_FLIGHT_13, SERVER_FLIGHT_12, CLIENT_FINISH_13, CLIENT_FINISH_12;

        boolean tls12() {
            return this == CLIENT_HELLO_12 || this == SERVER_FLIGHT_12 || this == CLIENT_FINISH_12;
        }
    }

    /** A victim in the state a flight is for, and the honest flight. */
    record Setup(TlsEngine victim, byte[] flight) {}

    /**
     * A fresh victim and the honest flight for it, made together: the JCA back-end draws some
     * values (a TLS 1.3 legacy session id) from the JDK's own randomness, so a flight recorded
     * once fits no other victim.
     */
    static Setup setup(Kind kind) {
        TlsEngine c = newClient(kind.tls12());
        byte[] hello = output(c);
        TlsEngine s = newServer();
        if (kind == Kind.CLIENT_HELLO_13 || kind == Kind.CLIENT_HELLO_12) {
            return new Setup(s, hello);
        }
        s.receive(NOW, hello, 0, hello.length);
        byte[] answer = output(s);
        if (kind == Kind.SERVER_FLIGHT_13 || kind == Kind.SERVER_FLIGHT_12) {
            return new Setup(c, answer);
        }
        c.receive(NOW, answer, 0, answer.length);
        return new Setup(s, output(c));
    }

    /** One to four random edits: flip, overwrite, cut, delete a run, repeat a run, insert. */
    static byte[] mutate(byte[] in, long seed) {
        Random r = new Random(seed);
        byte[] b = in.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 + r.nextInt(255));
                case 1 -> b[at] = (byte) (r.nextBoolean() ? 0 : r.nextBoolean() ? 0xff : r.nextInt(256));
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> {
                    int n = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] out = new byte[b.length - n];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + n, out, at, b.length - at - n);
                    b = out;
                }
                case 4 -> {
                    int n = Math.min(b.length - at, 1 + r.nextInt(64));
                    b = Wire.concat(Arrays.copyOf(b, at + n), Arrays.copyOfRange(b, at, b.length));
                }
                default -> {
                    byte[] junk = new byte[1 + r.nextInt(8)];
                    r.nextBytes(junk);
                    b = Wire.concat(Arrays.copyOf(b, at), junk, Arrays.copyOfRange(b, at, b.length));
                }
            }
        }
        return b;
    }

    /**
     * Whether {@code bytes} is complete enough that the victim must answer or refuse: whole
     * records, and for a server's first flight a record other than an alert or a whole handshake
     * message; for a TLS 1.2 server flight, only handshake records whose messages are all whole,
     * the last a ServerHelloDone. Other flights are not judged (they are encrypted, or may
     * legitimately stop short).
     */
    static boolean complete(Kind kind, byte[] bytes) {
        if (!Wire.wholeRecords(bytes)) {
            return false;
        }
        List<Record> records = Wire.records(bytes);
        int[] last = messages(records);
        switch (kind) {
            case CLIENT_HELLO_13, CLIENT_HELLO_12 -> {
                for (Record r : records) {
                    if (r.type() != Wire.ALERT && r.type() != Wire.HANDSHAKE) {
                        return true;
                    }
                }
                return last[0] > 0;
            }
            case SERVER_FLIGHT_12 -> {
                for (Record r : records) {
                    if (r.type() != Wire.HANDSHAKE) {
                        return false;
                    }
                }
                return last[0] > 0 && last[1] == 0 && last[2] == 14;
            }
            default -> {
                return false;
            }
        }
    }

    /** Whole handshake messages in the handshake records, trailing bytes, last message's type. */
    private static int[] messages(List<Record> records) {
        byte[] all = Wire.concat(records.stream().filter(r -> r.type() == Wire.HANDSHAKE).map(Record::body)
                .toArray(byte[][]::new));
        int count = 0;
        int type = -1;
        int i = 0;
        while (i + 4 <= all.length) {
            int length = ((all[i + 1] & 0xff) << 16) | Wire.u16(all, i + 2);
            if (i + 4 + length > all.length) {
                break;
            }
            count++;
            type = all[i] & 0xff;
            i += 4 + length;
        }
        return new int[] {count, all.length - i, type};
    }

    /** Feeds a (mutated) flight to a fresh victim and checks everything the class promises. */
    static void check(Kind kind, TlsEngine victim, byte[] bytes) {
        victim.receive(NOW, bytes, 0, bytes.length);
        byte[] out = output(victim);
        for (Record r : Wire.records(out)) {
            if (r.type() == Wire.ALERT && r.body().length == 2) {
                assertNotEquals(Alert.INTERNAL_ERROR.code(), r.body()[1] & 0xff, "internal_error on the wire");
            }
        }
        TlsEngine.State state = victim.state();
        if (state instanceof TlsEngine.Failed f && f.error() instanceof TlsException.Fatal fatal) {
            assertNotEquals(Failure.INTERNAL, fatal.failure(), fatal.toString());
            assertTrue(fatal.alertSent().isPresent(), "a failure without an alert: " + fatal);
            assertNotEquals(Optional.of(Alert.INTERNAL_ERROR), fatal.alertSent(), fatal.toString());
            assertTrue(out.length > 0, "an alert reported sent and no bytes: " + fatal);
        }
        if (complete(kind, bytes)) {
            assertFalse(state instanceof TlsEngine.Handshaking && out.length == 0,
                    "left waiting after a complete flight");
        }
    }

    @Test
    void honestFlightsGetAnswered() {
        for (Kind kind : Kind.values()) {
            Setup setup = setup(kind);
            TlsEngine victim = setup.victim();
            byte[] flight = setup.flight();
            victim.receive(NOW, flight, 0, flight.length);
            assertFalse(victim.state() instanceof TlsEngine.Failed, kind + ": " + victim.state());
            boolean answered = victim.outputAvailable() > 0 || victim.state() instanceof TlsEngine.Open;
            assertTrue(answered, kind + " is not answered");
            boolean judged = kind == Kind.CLIENT_HELLO_13 || kind == Kind.CLIENT_HELLO_12 || kind == Kind.SERVER_FLIGHT_12;
            assertEquals(judged, complete(kind, flight), kind + ": the honest flight is judged complete");
        }
    }

    /** 1,500 mutations in the build; more with {@code -Dmirage.tls.mutations=N} (offline). */
    @Test
    void mutatedFlightsNeverGetInternalErrorOrWait() {
        qt().withExamples(Integer.getInteger("mirage.tls.mutations", 1500)).forAll(integers().between(0, Kind.values().length - 1), longs().all())
                .checkAssert((k, seed) -> {
                    Kind kind = Kind.values()[k];
                    Setup setup = setup(kind);
                    check(kind, setup.victim(), mutate(setup.flight(), seed));
                });
    }
}
