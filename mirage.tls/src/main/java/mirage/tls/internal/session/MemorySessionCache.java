package mirage.tls.internal.session;

import java.util.LinkedHashMap;
import java.util.Map;
import mirage.tls.SessionCache;
import org.bouncycastle.tls.TlsSession;

/** A bounded LRU map of Bouncy Castle sessions, guarded by its own lock. */
public final class MemorySessionCache implements SessionCache {

    /** Keeps nothing. */
    public static final MemorySessionCache NONE = new MemorySessionCache(0);

    private final int capacity;
    private final LinkedHashMap<String, TlsSession> sessions;

    public MemorySessionCache(int capacity) {
        this.capacity = capacity;
        this.sessions = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TlsSession> eldest) {
                return size() > MemorySessionCache.this.capacity;
            }
        };
    }

    /** Whether this cache keeps anything at all. */
    public boolean enabled() {
        return capacity > 0;
    }

    /** The resumable session under {@code key}, or null. */
    public synchronized TlsSession get(String key) {
        TlsSession s = sessions.get(key);
        if (s != null && !s.isResumable()) {
            sessions.remove(key);
            return null;
        }
        return s;
    }

    public synchronized void put(String key, TlsSession session) {
        if (capacity > 0 && session != null && session.isResumable()) {
            sessions.put(key, session);
        }
    }

    @Override
    public synchronized int size() {
        return sessions.size();
    }
}
