package mirage.gitstore.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import mirage.gitstore.BranchUpdate;
import mirage.gitstore.Change;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.Watch;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The watches of a store. Head moves are queued per watch under the store's head lock (so in
 * order) and delivered by one virtual thread per watch, which computes each diff itself.
 */
final class Watchers {
    private final JGitStore store;
    private final List<WatchImpl> watches = new CopyOnWriteArrayList<>();

    Watchers(JGitStore store) {
        this.store = store;
    }

    private record Moved(ObjectId before, ObjectId after) {}

    Watch add(String branch, Consumer<BranchUpdate> listener) {
        WatchImpl w = new WatchImpl(branch, listener);
        watches.add(w);
        w.thread = Thread.ofVirtual().name("gitstore-watch-" + branch).start(w::run);
        return w;
    }

    /** Called under the head lock. */
    void moved(String branch, ObjectId before, ObjectId after) {
        for (WatchImpl w : watches) {
            if (w.branch.equals(branch)) {
                w.queue.add(new Moved(before, after));
            }
        }
    }

    void closeAll() {
        for (WatchImpl w : watches) {
            w.close();
        }
    }

    private final class WatchImpl implements Watch {
        final String branch;
        final Consumer<BranchUpdate> listener;
        final LinkedBlockingQueue<Moved> queue = new LinkedBlockingQueue<>();
        volatile boolean closed;
        volatile Thread thread;

        WatchImpl(String branch, Consumer<BranchUpdate> listener) {
            this.branch = branch;
            this.listener = listener;
        }

        void run() {
            try {
                while (!closed) {
                    Moved m = queue.take();
                    if (closed) {
                        return;
                    }
                    List<Change> changes;
                    try {
                        Node.Dir a = m.before == null ? Stage.emptyRoot() : store.loadHead(m.before).root();
                        Node.Dir b = m.after == null ? Stage.emptyRoot() : store.loadHead(m.after).root();
                        changes = store.diff(a, b);
                    } catch (GitStoreException | IllegalStateException e) {
                        close();
                        return;
                    }
                    listener.accept(new BranchUpdate(branch,
                            Optional.ofNullable(m.before).map(JGitStore::id),
                            Optional.ofNullable(m.after).map(JGitStore::id), changes));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                close();
            }
        }

        @Override
        public void close() {
            closed = true;
            watches.remove(this);
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }
    }
}
