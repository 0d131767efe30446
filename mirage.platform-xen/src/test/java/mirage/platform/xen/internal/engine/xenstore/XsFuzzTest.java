package mirage.platform.xen.internal.engine.xenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import mirage.platform.xen.internal.wire.XsFormatException;
import mirage.platform.xen.internal.wire.XsMessage;
import mirage.platform.xen.internal.wire.XsType;

/**
 * Both directions of the xenstore protocol under arbitrary bytes: a stream into the server
 * (as a guest's ring or a socket client would send it) and a stream into the client (as a
 * misbehaving xenstored would). Nothing but the framer's typed {@link XsFormatException}
 * (a payload over the limit) may come out; the server answers every whole request exactly
 * once with its req_id, within the payload limit; the client never completes a request
 * twice.
 */
class XsFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void serverStream(FuzzedDataProvider data) {
        int domid = data.consumeInt(0, 5);
        XsHarness h = new XsHarness(new XsServer.Limits(50, 256, 4, 8, 3, 16));
        List<XsMessage> out = new ArrayList<>();
        XsServer.Connection c = h.server.connect(domid, out::add);
        XsServer.Connection other = h.server.connect(0, m -> { });
        other.receive(XsMessage.of(XsType.WATCH, 1, 0, XsMessage.strings("/", "all")));
        List<XsMessage> requests = new ArrayList<>();
        XsFramer framer = new XsFramer();
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            framer.feed(bytes, 0, bytes.length, m -> {
                requests.add(m);
                c.receive(m);
            });
        } catch (XsFormatException e) {
            // a payload over the limit: the connection would be closed
        }
        int replies = 0;
        for (XsMessage m : out) {
            assertTrue(m.payload().length <= XsMessage.PAYLOAD_MAX);
            if (m.type() != XsType.WATCH_EVENT.code()) {
                replies++;
            }
        }
        assertEquals(requests.size(), replies, "one reply per request");
        int i = 0;
        for (XsMessage m : out) {
            if (m.type() != XsType.WATCH_EVENT.code()) {
                assertEquals(requests.get(i).reqId(), m.reqId(), "replies in order, with the request's id");
                i++;
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void clientStream(FuzzedDataProvider data) {
        List<String> sent = new ArrayList<>();
        List<String> events = new ArrayList<>();
        XsClientEngine client = new XsClientEngine(m -> sent.add(m.toString()), (p, t) -> events.add(p + " " + t));
        int[] completions = new int[4];
        for (int k = 0; k < 4; k++) {
            int slot = k;
            client.request(XsType.values()[data.consumeInt(0, XsType.values().length - 1)], 0, new byte[0],
                    m -> completions[slot]++);
        }
        XsFramer framer = new XsFramer();
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            framer.feed(bytes, 0, bytes.length, client::receive);
        } catch (XsFormatException e) {
            // the transport would drop the connection
        }
        client.failAll("EIO");
        for (int n : completions) {
            assertEquals(1, n, "every request completes exactly once");
        }
        assertEquals(0, client.pendingCount());
    }
}
