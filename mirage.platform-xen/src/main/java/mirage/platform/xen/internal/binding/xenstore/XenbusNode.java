package mirage.platform.xen.internal.binding.xenstore;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import mirage.platform.xen.internal.wire.XenbusState;
import mirage.platform.xen.internal.wire.XsMessage;
import mirage.platform.xen.internal.wire.XsType;

/**
 * One end of a XenBus device: its xenstore directory, with asynchronous writes and reads for
 * event handlers (replies handled on the client's delivery thread; a connection serves
 * requests in order, so writes made one after another land in that order), and a watch on the
 * other end's {@code state}.
 */
public final class XenbusNode {
    private static final java.util.concurrent.atomic.AtomicLong TOKENS = new java.util.concurrent.atomic.AtomicLong();

    private final XenstoreClient xs;
    private final String path;
    private long failures;

    /** @param path the absolute directory */
    public XenbusNode(XenstoreClient xs, String path) {
        this.xs = xs;
        this.path = path;
    }

    public String path() {
        return path;
    }

    public XenstoreClient client() {
        return xs;
    }

    /** Writes {@code key} (relative to this directory, or absolute) without waiting. */
    public void write(String key, String value) {
        xs.send(XsType.WRITE, 0, XsMessage.pathAndValue(resolve(key), value.getBytes(StandardCharsets.UTF_8)), m -> {
            if (m.type() == XsType.ERROR.code()) {
                failures++;
            }
        });
    }

    /** Publishes this end's state. */
    public void state(XenbusState s) {
        write("state", s.text());
    }

    /** Writes failed so far (the server refused them). */
    public long failures() {
        return failures;
    }

    /**
     * Reads {@code keys} (relative or absolute) without waiting, then runs {@code then} with
     * each key's value, or null where it does not exist or cannot be read.
     */
    public void read(List<String> keys, Consumer<Map<String, String>> then) {
        Map<String, String> out = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            then.accept(out);
            return;
        }
        int[] left = {keys.size()};
        for (String k : keys) {
            out.put(k, null);
            xs.send(XsType.READ, 0, XsMessage.string(resolve(k)), m -> {
                if (m.type() == XsType.READ.code()) {
                    out.put(k, new String(m.payload(), StandardCharsets.UTF_8));
                }
                if (--left[0] == 0) {
                    then.accept(out);
                }
            });
        }
    }

    /**
     * Watches the node {@code statePath} (another end's state): for the first event and every
     * change, reads it and runs {@code then} with the state (null if absent or not a state).
     */
    public void watchState(String statePath, String token, Consumer<XenbusState> then) {
        xs.watchAsync(statePath, token, (p, t) -> xs.send(XsType.READ, 0, XsMessage.string(statePath), m ->
                then.accept(m.type() == XsType.READ.code()
                        ? XenbusState.parse(new String(m.payload(), StandardCharsets.UTF_8)) : null)));
    }

    /** Stops a watch set by {@link #watchState}. */
    public void unwatch(String statePath, String token) {
        xs.unwatchAsync(statePath, token);
    }

    private String resolve(String key) {
        return key.startsWith("/") ? key : path + "/" + key;
    }

    /**
     * A watch token unique in this process: {@code what} and a sequence number, so that a
     * driver started again never shares a token (and so a callback) with its predecessor.
     */
    public static String token(String what) {
        return what + "#" + TOKENS.incrementAndGet();
    }

    /** Parses a non-negative decimal number of at most 18 digits; -1 if it is not one. */
    public static long number(String s) {
        if (s == null || s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
