package mirage.tls.internal.engine;

import static mirage.tls.internal.engine.RecordFuzzTest.NOW;
import static mirage.tls.internal.engine.RecordFuzzTest.newClient;
import static mirage.tls.internal.engine.RecordFuzzTest.newServer;
import static mirage.tls.internal.engine.RecordFuzzTest.output;
import static mirage.tls.internal.engine.Wire.ALERT;
import static mirage.tls.internal.engine.Wire.APPLICATION_DATA;
import static mirage.tls.internal.engine.Wire.CHANGE_CIPHER_SPEC;
import static mirage.tls.internal.engine.Wire.HANDSHAKE;
import static mirage.tls.internal.engine.Wire.concat;
import static mirage.tls.internal.engine.Wire.handshake;
import static mirage.tls.internal.engine.Wire.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import mirage.tls.Alert;
import mirage.tls.TlsException;
import mirage.tls.TlsException.Failure;
import mirage.tls.internal.engine.Wire.Hello;
import mirage.tls.internal.engine.Wire.Message;
import mirage.tls.internal.engine.Wire.Record;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One row per mistake a hostile peer can make (issue 19 item 4, decision 0053): the bytes it
 * sends, built from a real peer's flight by {@link Wire}, the alert RFC 8446 section 6 / RFC
 * 5246 section 7.2 names for it, checked as our side sends it (decoded from the wire: a plaintext
 * alert record, or one the honest peer decrypts and reports), and the typed failure our API
 * reports. The engine must fail, never wait, and never send internal_error.
 */
class AlertTableTest {
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_HELLO = 2;
    private static final int CERTIFICATE = 11;
    private static final int SERVER_KEY_EXCHANGE = 12;
    private static final int SERVER_HELLO_DONE = 14;
    private static final int CLIENT_KEY_EXCHANGE = 16;
    private static final int FINISHED = 20;

    private static final int EXT_SUPPORTED_GROUPS = 10;
    private static final int EXT_SIGNATURE_ALGORITHMS = 13;
    private static final int EXT_SUPPORTED_VERSIONS = 43;
    private static final int EXT_KEY_SHARE = 51;

    enum Role { SERVER, CLIENT }

    enum Version { TLS13, TLS12 }

    /** What a hostile peer does; it may drive the victim through honest steps first. */
    interface Attack {
        byte[] run(Context x);
    }

    /** A victim engine, its honest peer, and the honest bytes exchanged so far. */
    static final class Context {
        final Role role;
        final Version version;
        final TlsEngine victim;
        final TlsEngine peer;
        /** The ClientHello the honest (or victim) client sent. */
        final byte[] clientHello;

        Context(Role role, Version version) {
            this.role = role;
            this.version = version;
            boolean tls12 = version == Version.TLS12;
            if (role == Role.SERVER) {
                victim = newServer();
                peer = newClient(tls12);
                clientHello = output(peer);
            } else {
                victim = newClient(tls12);
                peer = newServer();
                clientHello = output(victim);
            }
        }

        Hello hello() {
            return Hello.parse(true, Wire.messages(Wire.records(clientHello)).get(0).body());
        }

        /** Client role: the honest server's answer to the victim's ClientHello (not delivered). */
        byte[] serverFlight() {
            peer.receive(NOW, clientHello, 0, clientHello.length);
            return output(peer);
        }

        /**
         * Server role: the victim answers the honest ClientHello, the honest client reads the
         * answer; returns the client's second flight (not delivered).
         */
        byte[] clientSecondFlight() {
            victim.receive(NOW, clientHello, 0, clientHello.length);
            byte[] answer = output(victim);
            peer.receive(NOW, answer, 0, answer.length);
            return output(peer);
        }

        /**
         * Server role: the victim has answered the honest ClientHello and the honest client has
         * read the answer (so it can decrypt what the victim sends next); its answer is dropped.
         */
        void helloAnswered() {
            clientSecondFlight();
        }
    }

    record Row(Role role, Version version, String mistake, Attack attack, Set<Alert> expected) {
        @Override
        public String toString() {
            return role + " " + version + ": " + mistake;
        }
    }

    /** What happened to one row. */
    record Outcome(Optional<Alert> alertOnWire, String state, Optional<Failure> failure, Optional<Alert> alertReported,
            boolean waiting, String message) {}

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Version v : Version.values()) {
            int recordVersion = 0x0301;
            // ---- our server, before and in the ClientHello
            rows.add(new Row(Role.SERVER, v, "record of unknown content type 99 first",
                    x -> record(99, new byte[] {1}), EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            rows.add(new Row(Role.SERVER, v, "plaintext record of 2^14+1 bytes",
                    x -> record(HANDSHAKE, recordVersion, new byte[(1 << 14) + 1]), EnumSet.of(Alert.RECORD_OVERFLOW)));
            rows.add(new Row(Role.SERVER, v, "application data before the ClientHello",
                    x -> record(APPLICATION_DATA, new byte[] {1, 2, 3}), EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            rows.add(new Row(Role.SERVER, v, "ChangeCipherSpec before the ClientHello",
                    x -> record(CHANGE_CIPHER_SPEC, new byte[] {1}), EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            rows.add(new Row(Role.SERVER, v, "handshake message of unknown type 99 first",
                    x -> record(HANDSHAKE, handshake(99, new byte[4])), EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            rows.add(new Row(Role.SERVER, v, "a ServerHello instead of a ClientHello",
                    x -> record(HANDSHAKE, handshake(SERVER_HELLO, x.hello().encode())),
                    EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            rows.add(new Row(Role.SERVER, v, "ClientHello cut short inside its extensions",
                    x -> {
                        byte[] body = x.hello().encode();
                        byte[] cut = Arrays.copyOf(body, body.length - 3);
                        return record(HANDSHAKE, handshake(CLIENT_HELLO, cut));
                    }, EnumSet.of(Alert.DECODE_ERROR)));
            rows.add(new Row(Role.SERVER, v, "ClientHello session id of 33 bytes",
                    x -> x.hello().withSessionId(new byte[33]).toRecord(), EnumSet.of(Alert.DECODE_ERROR,
                            Alert.ILLEGAL_PARAMETER)));
            rows.add(new Row(Role.SERVER, v, "ClientHello with no cipher suites",
                    x -> x.hello().withSuites(new byte[0]).toRecord(), EnumSet.of(Alert.DECODE_ERROR)));
            rows.add(new Row(Role.SERVER, v, "ClientHello with no suite in common (RC4)",
                    x -> x.hello().withSuites(new byte[] {0, 5}).toRecord(), EnumSet.of(Alert.HANDSHAKE_FAILURE)));
            rows.add(new Row(Role.SERVER, v, "ClientHello with two extensions of one type",
                    x -> {
                        Hello h = x.hello();
                        return h.plus(EXT_SUPPORTED_GROUPS, h.extension(EXT_SUPPORTED_GROUPS)).toRecord();
                    }, EnumSet.of(Alert.DECODE_ERROR, Alert.ILLEGAL_PARAMETER)));
            rows.add(new Row(Role.SERVER, v, "ClientHello without the null compression method",
                    x -> x.hello().withCompression(new byte[] {1}).toRecord(),
                    v == Version.TLS13 ? EnumSet.of(Alert.ILLEGAL_PARAMETER)
                            : EnumSet.of(Alert.ILLEGAL_PARAMETER, Alert.DECODE_ERROR, Alert.HANDSHAKE_FAILURE)));
            // ---- our server, after its answer
            rows.add(new Row(Role.SERVER, v, "a second ClientHello after the server's flight",
                    x -> {
                        x.helloAnswered();
                        return x.clientHello;
                    }, EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            // In TLS 1.3 every record after the server's flight is encrypted, so these are
            // records that do not decrypt: bad_record_mac (RFC 8446 5.2).
            rows.add(new Row(Role.SERVER, v, "3-byte application data record before Finished",
                    x -> {
                        x.helloAnswered();
                        return record(APPLICATION_DATA, new byte[] {1, 2, 3});
                    }, v == Version.TLS13 ? EnumSet.of(Alert.BAD_RECORD_MAC) : EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            rows.add(new Row(Role.SERVER, v, "40-byte application data record before Finished",
                    x -> {
                        x.helloAnswered();
                        return record(APPLICATION_DATA, new byte[40]);
                    }, v == Version.TLS13 ? EnumSet.of(Alert.BAD_RECORD_MAC) : EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            rows.add(new Row(Role.SERVER, v, "the client's second flight with one ciphertext byte flipped",
                    x -> {
                        byte[] f = x.clientSecondFlight();
                        f[f.length - 1] ^= 1;
                        return f;
                    }, EnumSet.of(Alert.BAD_RECORD_MAC)));
            // ---- our client
            rows.add(new Row(Role.CLIENT, v, "application data before the ServerHello",
                    x -> record(APPLICATION_DATA, new byte[] {1, 2, 3}), EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            rows.add(new Row(Role.CLIENT, v, "a ClientHello instead of a ServerHello",
                    x -> x.clientHello, EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
            rows.add(new Row(Role.CLIENT, v, "ServerHello choosing a suite not offered",
                    x -> serverHello(x, h -> h.withSuites(new byte[] {0, 5})), EnumSet.of(Alert.ILLEGAL_PARAMETER)));
            rows.add(new Row(Role.CLIENT, v, "ServerHello choosing compression method 1",
                    x -> serverHello(x, h -> h.withCompression(new byte[] {1})), EnumSet.of(Alert.ILLEGAL_PARAMETER)));
            rows.add(new Row(Role.CLIENT, v, "ServerHello with an extension the client did not offer",
                    x -> serverHello(x, h -> h.plus(0x1234, new byte[0])), EnumSet.of(Alert.UNSUPPORTED_EXTENSION)));
            rows.add(new Row(Role.CLIENT, v, "ServerHello cut short inside its extensions",
                    x -> {
                        ServerAnswer a = serverAnswer(x);
                        byte[] body = a.hello().encode();
                        byte[] cut = Arrays.copyOf(body, body.length - 3);
                        return concat(record(HANDSHAKE, handshake(SERVER_HELLO, cut)), a.rest());
                    }, EnumSet.of(Alert.DECODE_ERROR)));
            rows.add(new Row(Role.CLIENT, v, "ServerHello with legacy_version TLS 1.1 and no supported_versions",
                    x -> serverHello(x, h -> h.without(EXT_SUPPORTED_VERSIONS).withVersion(0x0302)),
                    EnumSet.of(Alert.PROTOCOL_VERSION)));
            rows.add(new Row(Role.CLIENT, v, "two ServerHellos",
                    x -> {
                        byte[] sh = serverHelloOf(x).toRecord();
                        return concat(sh, sh);
                    }, EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
        }
        // ---- TLS 1.3 only
        rows.add(new Row(Role.SERVER, Version.TLS13, "TLS 1.3 ClientHello without key_share (RFC 8446 9.2)",
                x -> x.hello().without(EXT_KEY_SHARE).with(EXT_SUPPORTED_VERSIONS, new byte[] {2, 3, 4}).toRecord(),
                EnumSet.of(Alert.MISSING_EXTENSION)));
        rows.add(new Row(Role.SERVER, Version.TLS13, "TLS 1.3 ClientHello without signature_algorithms",
                x -> x.hello().without(EXT_SIGNATURE_ALGORITHMS).with(EXT_SUPPORTED_VERSIONS, new byte[] {2, 3, 4})
                        .toRecord(), EnumSet.of(Alert.MISSING_EXTENSION)));
        rows.add(new Row(Role.SERVER, Version.TLS13, "ClientHello offering only TLS 1.1 in supported_versions",
                x -> x.hello().with(EXT_SUPPORTED_VERSIONS, new byte[] {2, 3, 2}).toRecord(),
                EnumSet.of(Alert.PROTOCOL_VERSION)));
        rows.add(new Row(Role.SERVER, Version.TLS13, "ChangeCipherSpec with byte 2 after the ClientHello",
                x -> {
                    x.helloAnswered();
                    return record(CHANGE_CIPHER_SPEC, new byte[] {2});
                }, EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
        rows.add(new Row(Role.SERVER, Version.TLS12, "ClientHello with legacy_version SSL 3.0",
                x -> x.hello().withVersion(0x0300).toRecord(), EnumSet.of(Alert.PROTOCOL_VERSION)));
        rows.add(new Row(Role.CLIENT, Version.TLS13, "ServerHello selecting TLS 1.4 (0x0305)",
                x -> serverHello(x, h -> h.with(EXT_SUPPORTED_VERSIONS, new byte[] {3, 5})),
                EnumSet.of(Alert.ILLEGAL_PARAMETER)));
        rows.add(new Row(Role.CLIENT, Version.TLS13, "ServerHello key_share of a group not offered",
                x -> serverHello(x, h -> {
                    byte[] ks = h.extension(EXT_KEY_SHARE).clone();
                    ks[0] = 0;
                    ks[1] = 0x19; // secp521r1, which our client does not offer
                    return h.with(EXT_KEY_SHARE, ks);
                }), EnumSet.of(Alert.ILLEGAL_PARAMETER)));
        rows.add(new Row(Role.CLIENT, Version.TLS13, "the server's encrypted flight with one byte flipped",
                x -> {
                    byte[] f = x.serverFlight();
                    f[f.length - 1] ^= 1;
                    return f;
                }, EnumSet.of(Alert.BAD_RECORD_MAC)));
        // ---- TLS 1.2 only
        rows.add(new Row(Role.SERVER, Version.TLS12, "a Finished instead of the ClientKeyExchange",
                x -> {
                    x.helloAnswered();
                    return record(HANDSHAKE, handshake(FINISHED, new byte[12]));
                }, EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
        rows.add(new Row(Role.SERVER, Version.TLS12, "ChangeCipherSpec before the ClientKeyExchange",
                x -> {
                    x.helloAnswered();
                    return record(CHANGE_CIPHER_SPEC, new byte[] {1});
                }, EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
        rows.add(new Row(Role.SERVER, Version.TLS12, "ChangeCipherSpec with byte 2 after the ClientKeyExchange",
                x -> {
                    List<Record> f = Wire.records(x.clientSecondFlight());
                    byte[] cke = f.get(0).encode();
                    return concat(cke, record(CHANGE_CIPHER_SPEC, new byte[] {2}));
                }, EnumSet.of(Alert.UNEXPECTED_MESSAGE, Alert.DECODE_ERROR, Alert.ILLEGAL_PARAMETER)));
        rows.add(new Row(Role.CLIENT, Version.TLS12, "ServerKeyExchange without the Certificate before it",
                x -> flight12(x, (type, body) -> type == CERTIFICATE ? null : body),
                EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
        rows.add(new Row(Role.CLIENT, Version.TLS12, "Finished right after the ServerHello",
                x -> concat(serverHelloOf(x).toRecord(), record(HANDSHAKE, handshake(FINISHED, new byte[12]))),
                EnumSet.of(Alert.UNEXPECTED_MESSAGE)));
        rows.add(new Row(Role.CLIENT, Version.TLS12, "ServerKeyExchange signature with one byte flipped",
                x -> flight12(x, (type, body) -> {
                    if (type == SERVER_KEY_EXCHANGE) {
                        body[body.length - 3] ^= 1;
                    }
                    return body;
                }), EnumSet.of(Alert.DECRYPT_ERROR)));
        rows.add(new Row(Role.CLIENT, Version.TLS12, "ServerKeyExchange signature that is not DER",
                x -> flight12(x, (type, body) -> {
                    if (type == SERVER_KEY_EXCHANGE) {
                        // ECDHE params, then scheme (2), length (2), an ECDSA-Sig-Value in DER
                        int sig = 4 + (body[3] & 0xff) + 4;
                        Arrays.fill(body, sig, body.length, (byte) 0);
                    }
                    return body;
                }), EnumSet.of(Alert.DECRYPT_ERROR)));
        rows.add(new Row(Role.CLIENT, Version.TLS12, "a certificate whose DER does not parse",
                x -> flight12(x, (type, body) -> {
                    if (type == CERTIFICATE) {
                        // list length (3), certificate length (3), then the DER SEQUENCE tag
                        body[6] = 0x31;
                    }
                    return body;
                }), EnumSet.of(Alert.BAD_CERTIFICATE)));
        for (Version v : Version.values()) {
            rows.add(new Row(Role.SERVER, v, "a handshake message of 65,164 bytes (over 32 KiB)",
                    x -> record(HANDSHAKE, Wire.concat(new byte[] {CLIENT_HELLO, 0, (byte) 0xfe, (byte) 0x8c},
                            new byte[100])), EnumSet.of(Alert.ILLEGAL_PARAMETER, Alert.DECODE_ERROR)));
        }
        rows.add(new Row(Role.CLIENT, Version.TLS12, "ServerHelloDone with a body",
                x -> flight12(x, (type, body) -> type == SERVER_HELLO_DONE ? new byte[] {0} : body),
                EnumSet.of(Alert.DECODE_ERROR)));
        return rows;
    }

    interface Edit {
        byte[] apply(int type, byte[] body);
    }

    /** Client role, TLS 1.2: the server's plaintext flight, each message edited (null drops it). */
    static byte[] flight12(Context x, Edit edit) {
        List<byte[]> out = new ArrayList<>();
        for (Message m : Wire.messages(Wire.records(x.serverFlight()))) {
            byte[] body = edit.apply(m.type(), m.body().clone());
            if (body != null) {
                out.add(record(HANDSHAKE, handshake(m.type(), body)));
            }
        }
        return concat(out.toArray(byte[][]::new));
    }

    /** Client role: the honest server's ServerHello, and the records of its flight after it. */
    record ServerAnswer(Hello hello, byte[] rest) {}

    static ServerAnswer serverAnswer(Context x) {
        List<Record> rs = Wire.records(x.serverFlight());
        Hello hello = Hello.parse(false, Wire.messages(rs.subList(0, 1)).get(0).body());
        return new ServerAnswer(hello, concat(rs.subList(1, rs.size()).stream().map(Record::encode)
                .toArray(byte[][]::new)));
    }

    static Hello serverHelloOf(Context x) {
        return serverAnswer(x).hello();
    }

    /** Client role: the honest flight with its ServerHello changed. */
    static byte[] serverHello(Context x, java.util.function.UnaryOperator<Hello> change) {
        ServerAnswer a = serverAnswer(x);
        return concat(change.apply(a.hello()).toRecord(), a.rest());
    }

    /** Runs one row: honest steps, then the hostile bytes, and reads what our side did. */
    static Outcome run(Row row) {
        Context x = new Context(row.role(), row.version());
        byte[] hostile = row.attack().run(x);
        x.victim.receive(NOW, hostile, 0, hostile.length);
        byte[] out = output(x.victim);
        Optional<Alert> onWire = alertOnWire(out, x.peer);
        TlsEngine.State state = x.victim.state();
        Optional<Failure> failure = Optional.empty();
        Optional<Alert> reported = Optional.empty();
        String message = "";
        if (state instanceof TlsEngine.Failed f) {
            message = f.error().getMessage();
        }
        if (state instanceof TlsEngine.Failed f && f.error() instanceof TlsException.Fatal fatal) {
            failure = Optional.of(fatal.failure());
            reported = fatal.alertSent();
        }
        boolean waiting = state instanceof TlsEngine.Handshaking && out.length == 0;
        return new Outcome(onWire, state.getClass().getSimpleName(), failure, reported, waiting, message);
    }

    /**
     * The alert in {@code out}: a plaintext alert record, or one the honest peer decrypts (its
     * state then says which alert it received).
     */
    static Optional<Alert> alertOnWire(byte[] out, TlsEngine peer) {
        for (Record r : Wire.records(out)) {
            if (r.type() == ALERT && r.body().length == 2) {
                return Alert.of(r.body()[1] & 0xff);
            }
        }
        if (out.length == 0) {
            return Optional.empty();
        }
        peer.receive(NOW, out, 0, out.length);
        if (peer.state() instanceof TlsEngine.Failed f && f.error() instanceof TlsException.AlertReceived a) {
            return a.alert();
        }
        return Optional.empty();
    }

    @TestFactory
    Stream<DynamicTest> everyMistakeGetsItsAlert() {
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.toString(), () -> {
            Outcome o = run(row);
            if (o.waiting()) {
                fail("left waiting: " + o);
            }
            assertEquals("Failed", o.state(), o.toString());
            assertTrue(o.alertOnWire().isPresent() && row.expected().contains(o.alertOnWire().get()),
                    "expected one of " + row.expected() + ", got " + o);
            assertEquals(o.alertOnWire(), o.alertReported(), "the alert reported is the alert sent");
            assertTrue(o.failure().isPresent() && o.failure().get() != Failure.INTERNAL, o.toString());
        }));
    }

    /** Prints the table (decision 0053's before/after) with the environment variable {@code MIRAGE_TLS_ALERT_TABLE=1}. */
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable(named = "MIRAGE_TLS_ALERT_TABLE", matches = "1")
    void printTable() {
        for (Row row : rows()) {
            String result;
            try {
                Outcome o = run(row);
                result = (o.waiting() ? "WAITS" : o.alertOnWire().map(a -> a.name().toLowerCase()).orElse("none"))
                        + " | " + o.failure().map(Enum::name).orElse(o.state()) + " | " + o.message();
            } catch (RuntimeException e) {
                result = "test error " + e;
            }
            System.out.println("| " + row.role().name().toLowerCase() + " | " + row.version() + " | " + row.mistake()
                    + " | " + row.expected().stream().map(a -> a.name().toLowerCase()).toList() + " | " + result
                    + " |");
        }
    }
}
