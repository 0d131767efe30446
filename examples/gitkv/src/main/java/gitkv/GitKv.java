package gitkv;

import java.time.InstantSource;
import mirage.core.Console;
import mirage.core.Unikernel;
import mirage.gitstore.GitStore;
import mirage.net.NetException;
import mirage.net.Stack;
import mirage.time.Sleep;

/**
 * A git-backed key-value store (Irmin's classic example): {@code GET/PUT/DELETE /kv/KEY} and
 * {@code GET /log} over HTTP/1.1 on port {@value #HTTP_PORT} (every PUT and DELETE one commit,
 * its author from {@code X-Author}), and the same repository served by the git protocol on
 * port {@value #GIT_PORT}: {@code git clone git://ADDR/store} shows every change as a commit.
 * The store is in memory or on a block device, as the description chooses.
 */
public final class GitKv implements Unikernel {
    public static final int HTTP_PORT = 80;
    public static final int GIT_PORT = 9418;

    /**
     * Serves until stopped; {@code sleep} blocks on the loop, not on a lock, so that the whole
     * unikernel also runs under a simulation.
     */
    public void start(Console console, Stack stack, GitStore store, InstantSource clock, Sleep sleep)
            throws InterruptedException, NetException {
        serve(console, stack, store, clock);
        sleep.forever(); // serves until stopped
    }

    /** Starts both services on {@code stack} over {@code store} and returns; HTTP heads bounded per read. */
    public static void serve(Console console, Stack stack, GitStore store) throws NetException {
        serve(console, stack, store, null);
    }

    /** Starts both services on {@code stack} over {@code store} and returns; HTTP heads timed by {@code clock} (null: per read). */
    public static void serve(Console console, Stack stack, GitStore store, InstantSource clock) throws NetException {
        stack.tcp().listen(HTTP_PORT, KvHttp.TCP_OPTIONS, connection -> {
            if (clock == null) {
                KvHttp.serve(connection, store);
            } else {
                KvHttp.serve(connection, store, clock);
            }
        });
        // a client that breaks the protocol is reported and counted by the stack, and reset
        stack.tcp().listen(GIT_PORT, store::serve);
        console.println("gitkv: HTTP on port " + HTTP_PORT + ", git on port " + GIT_PORT);
    }
}
