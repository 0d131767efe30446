package mirage.platform.xen.internal.engine.xenstore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import mirage.platform.xen.internal.wire.XsError;
import mirage.platform.xen.internal.wire.XsMessage;
import mirage.platform.xen.internal.wire.XsType;

/** A server and connections that record what they receive, for scripted tests. */
final class XsHarness {
    final List<String> introduced = new ArrayList<>();
    final XsServer server;

    XsHarness() {
        this(XsServer.Limits.DEFAULT);
    }

    XsHarness(XsServer.Limits limits) {
        server = new XsServer(new XsServer.Domains() {
            @Override
            public XsError introduce(int domid, long frame, int port) {
                introduced.add("introduce " + domid + " " + frame + " " + port);
                return null;
            }

            @Override
            public void release(int domid) {
                introduced.add("release " + domid);
            }
        }, limits);
    }

    Conn conn(int domid) {
        return new Conn(domid);
    }

    final class Conn {
        final List<XsMessage> got = new ArrayList<>();
        final XsServer.Connection c;
        int nextReq = 1;

        Conn(int domid) {
            c = server.connect(domid, got::add);
        }

        /** Sends a request, returns its direct reply (type or ERROR). */
        XsMessage req(XsType type, int tx, byte[] payload) {
            int before = got.size();
            int id = nextReq++;
            c.receive(XsMessage.of(type, id, tx, payload));
            for (int i = before; i < got.size(); i++) {
                if (got.get(i).reqId() == id && got.get(i).type() != XsType.WATCH_EVENT.code()) {
                    return got.get(i);
                }
            }
            throw new AssertionError("no reply to " + type);
        }

        /** The reply payload's strings, or "ERR:" + the error. */
        String call(XsType type, int tx, String... args) {
            XsMessage r = req(type, tx, XsMessage.strings(args));
            return render(r);
        }

        String write(String path, String value) {
            return render(req(XsType.WRITE, 0, XsMessage.pathAndValue(path, value.getBytes(StandardCharsets.UTF_8))));
        }

        String write(int tx, String path, String value) {
            return render(req(XsType.WRITE, tx, XsMessage.pathAndValue(path, value.getBytes(StandardCharsets.UTF_8))));
        }

        String read(String path) {
            return call(XsType.READ, 0, path);
        }

        int start() {
            return Integer.parseInt(call(XsType.TRANSACTION_START, 0, ""));
        }

        /** Watch events received so far as "path token", then cleared. */
        List<String> events() {
            List<String> out = new ArrayList<>();
            for (XsMessage m : got) {
                if (m.type() == XsType.WATCH_EVENT.code()) {
                    out.add(String.join(" ", XsMessage.split(m.payload())));
                }
            }
            got.clear();
            return out;
        }
    }

    static String render(XsMessage r) {
        if (r.type() == XsType.ERROR.code()) {
            return "ERR:" + XsMessage.split(r.payload()).getFirst();
        }
        if (r.knownType() == XsType.READ) {
            return new String(r.payload(), StandardCharsets.UTF_8);
        }
        return String.join(",", XsMessage.split(r.payload()));
    }
}
