package mirage.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mirage.core.FlowException;
import mirage.http.internal.wire.ResponseHead;
import org.junit.jupiter.api.Test;

/**
 * Any sequence of well-formed requests (methods, targets, fields, bodies by Content-Length or
 * chunked in any chunks), sent in any pieces, reaches the handler exactly as sent, in order,
 * and each gets its response, in order; and a client reading those responses with the
 * client's parser finds each body exactly.
 */
class ServerPropertiesTest {
    record Sent(String method, String target, List<Headers.Field> fields, byte[] body) {}

    static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "PATCH", "X-CUSTOM"};

    static Sent request(SplittableRandom r) {
        String method = METHODS[r.nextInt(METHODS.length)];
        StringBuilder target = new StringBuilder("/");
        for (int i = r.nextInt(20); i > 0; i--) {
            target.append((char) ('!' + r.nextInt(94)));
        }
        List<Headers.Field> fields = new ArrayList<>();
        fields.add(new Headers.Field("Host", "h" + r.nextInt(10)));
        for (int i = r.nextInt(5); i > 0; i--) {
            StringBuilder v = new StringBuilder();
            for (int j = r.nextInt(30); j > 0; j--) {
                v.append((char) (' ' + r.nextInt(95)));
            }
            fields.add(new Headers.Field("X-F" + r.nextInt(100), v.toString().strip()));
        }
        byte[] body = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(3000)];
        r.nextBytes(body);
        return new Sent(method, target.toString(), fields, body);
    }

    static byte[] render(Sent s, SplittableRandom r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(s.method() + " " + s.target() + " HTTP/1.1\r\n");
        for (Headers.Field f : s.fields()) {
            head.append(f.name()).append(":").append(r.nextBoolean() ? " " : "").append(f.value()).append("\r\n");
        }
        boolean chunked = s.body().length > 0 && r.nextBoolean();
        if (chunked) {
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            int at = 0;
            while (at < s.body().length) {
                int n = Math.min(s.body().length - at, 1 + r.nextInt(700));
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(s.body(), at, n);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                at += n;
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            if (s.body().length > 0 || r.nextBoolean()) {
                head.append("Content-Length: ").append(s.body().length).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(s.body());
        }
        return out.toByteArray();
    }

    @Test
    void anyRequestsInAnyPieces_reachTheHandlerAsSent_andAreAnsweredInOrder() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            List<Sent> sent = new ArrayList<>();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (int i = 1 + r.nextInt(6); i > 0; i--) {
                Sent s = request(r);
                sent.add(s);
                wire.writeBytes(render(s, r));
            }
            byte[] all = wire.toByteArray();
            List<byte[]> pieces = new ArrayList<>();
            for (int at = 0; at < all.length; ) {
                int n = Math.min(all.length - at, 1 + r.nextInt(r.nextBoolean() ? 10 : 5000));
                pieces.add(java.util.Arrays.copyOfRange(all, at, at + n));
                at += n;
            }
            List<Sent> got = new ArrayList<>();
            Handler h = q -> {
                byte[] body = q.body().readAll();
                List<Headers.Field> fields = q.headers().fields().stream()
                        .filter(f -> !f.name().equals("Content-Length") && !f.name().equals("Transfer-Encoding")).toList();
                got.add(new Sent(q.method(), q.target(), fields, body));
                return new Response(200, "OK", Headers.EMPTY, Content.of(body));
            };
            ScriptedFlow f = new ScriptedFlow(true, pieces.toArray(byte[][]::new));
            try {
                HttpServer.serve(f, h);
            } catch (FlowException e) {
                throw new AssertionError(e);
            }
            assertEquals(sent.size(), got.size());
            for (int i = 0; i < sent.size(); i++) {
                assertEquals(sent.get(i).method(), got.get(i).method());
                assertEquals(sent.get(i).target(), got.get(i).target());
                assertEquals(sent.get(i).fields(), got.get(i).fields());
                assertArrayEquals(sent.get(i).body(), got.get(i).body());
            }
            byte[] out = f.written.toByteArray();
            int at = 0;
            for (Sent s : sent) {
                ResponseHead.Parsed.Head head = (ResponseHead.Parsed.Head) ResponseHead.parse(out, at, out.length, false);
                assertEquals(s.body().length, head.head().contentLength());
                assertArrayEquals(s.body(), java.util.Arrays.copyOfRange(out, at + head.length(), at + head.length() + s.body().length));
                at += head.length() + s.body().length;
            }
            assertEquals(out.length, at, "nothing but the responses");
        });
    }
}
