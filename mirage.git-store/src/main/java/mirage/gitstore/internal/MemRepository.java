package mirage.gitstore.internal;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.internal.storage.dfs.DfsObjDatabase;
import org.eclipse.jgit.internal.storage.dfs.DfsOutputStream;
import org.eclipse.jgit.internal.storage.dfs.DfsPackDescription;
import org.eclipse.jgit.internal.storage.dfs.DfsReaderOptions;
import org.eclipse.jgit.internal.storage.dfs.DfsRepository;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryBuilder;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.DfsReftableDatabase;
import org.eclipse.jgit.internal.storage.dfs.ReadableChannel;
import org.eclipse.jgit.internal.storage.pack.PackExt;
import org.eclipse.jgit.lib.RefDatabase;

/**
 * A git repository held in memory on JGit's distributed-storage (DFS) classes: each pack, index
 * and reftable is a byte array; refs are a reftable stack ({@link DfsReftableDatabase}), so ref
 * updates are atomic compare-and-set. Written here rather than taking JGit's
 * {@code InMemoryRepository}, which JGit keeps for its tests.
 *
 * <p>With a {@link PackStore}, every change of the pack list (each object flush, each ref
 * update, each compaction) is made durable there before it becomes visible: the block-device
 * backend.
 */
final class MemRepository extends DfsRepository {
    /**
     * Pack names are unique in the process: JGit's block cache is shared by all DFS
     * repositories and keys blocks by repository and pack name.
     */
    private static final AtomicLong PACK_NAMES = new AtomicLong();
    private final Objects objects;
    private final DfsReftableDatabase refs;

    /** Where a durable repository keeps its packs. */
    interface PackStore {
        /**
         * Makes {@code packs} (the whole new list, newest first) durable; on failure nothing
         * changed as far as a later {@link #load} can tell.
         */
        void commit(List<DfsPackDescription> packs) throws IOException;
    }

    MemRepository(String name) {
        this(new DfsRepositoryDescription(name), null, List.of());
    }

    /** A repository whose packs start as {@code initial} and whose changes go to {@code store}. */
    MemRepository(DfsRepositoryDescription description, PackStore store, List<MemPack> initial) {
        super(new Builder().setRepositoryDescription(description));
        this.objects = new Objects(this, store, initial);
        this.refs = new DfsReftableDatabase(this) {};
    }

    @Override
    public DfsObjDatabase getObjectDatabase() {
        return objects;
    }

    @Override
    public RefDatabase getRefDatabase() {
        return refs;
    }

    static final class Builder extends DfsRepositoryBuilder<Builder, MemRepository> {
        @Override
        public MemRepository build() {
            throw new UnsupportedOperationException("use new MemRepository(name)");
        }
    }

    /** One pack's files by extension. */
    static final class MemPack extends DfsPackDescription {
        final Map<PackExt, byte[]> files = new ConcurrentHashMap<>();

        MemPack(DfsRepositoryDescription repo, String name, DfsObjDatabase.PackSource source) {
            super(repo, name, source);
        }
    }

    private static final class Objects extends DfsObjDatabase {
        private final PackStore store;
        private List<DfsPackDescription> packs;

        Objects(DfsRepository repo, PackStore store, List<MemPack> initial) {
            super(repo, new DfsReaderOptions());
            this.store = store;
            this.packs = new ArrayList<>(initial);
            for (MemPack p : initial) {
                // Names are "pack-<n>-<source>": new ones go on after the largest n loaded.
                String[] parts = p.getPackName().split("-");
                if (parts.length >= 2) {
                    try {
                        PACK_NAMES.accumulateAndGet(Long.parseLong(parts[1]), Math::max);
                    } catch (NumberFormatException e) {
                        // a foreign name: cannot collide with ours
                    }
                }
            }
        }

        @Override
        public long getApproximateObjectCount() {
            long n = 0;
            for (var p : getCurrentPacks()) {
                n += p.getPackDescription().getObjectCount();
            }
            return n;
        }

        @Override
        protected DfsPackDescription newPack(PackSource source) {
            return new MemPack(getRepository().getDescription(), "pack-" + PACK_NAMES.incrementAndGet() + "-" + source.name(), source);
        }

        @Override
        protected synchronized void commitPackImpl(Collection<DfsPackDescription> desc, Collection<DfsPackDescription> replace)
                throws IOException {
            List<DfsPackDescription> n = new ArrayList<>(desc.size() + packs.size());
            n.addAll(desc);
            n.addAll(packs);
            if (replace != null) {
                n.removeAll(replace);
            }
            if (store != null) {
                store.commit(n);
            }
            packs = n;
            clearCache();
        }

        @Override
        protected void rollbackPack(Collection<DfsPackDescription> desc) {
            // Nothing was listed: the arrays go with the descriptions.
        }

        @Override
        protected synchronized List<DfsPackDescription> listPacks() {
            return new ArrayList<>(packs);
        }

        @Override
        protected ReadableChannel openFile(DfsPackDescription desc, PackExt ext) throws IOException {
            byte[] data = ((MemPack) desc).files.get(ext);
            if (data == null) {
                throw new FileNotFoundException(desc.getFileName(ext));
            }
            return new ArrayChannel(data);
        }

        @Override
        protected DfsOutputStream writeFile(DfsPackDescription desc, PackExt ext) {
            MemPack pack = (MemPack) desc;
            return new DfsOutputStream() {
                private final ByteArrayOutputStream out = new ByteArrayOutputStream();

                @Override
                public void write(byte[] b, int off, int len) {
                    out.write(b, off, len);
                }

                @Override
                public int read(long position, ByteBuffer buf) {
                    byte[] d = out.toByteArray();
                    int n = (int) Math.min(buf.remaining(), d.length - position);
                    if (n <= 0) {
                        return -1;
                    }
                    buf.put(d, (int) position, n);
                    return n;
                }

                @Override
                public void flush() {
                    pack.files.put(ext, out.toByteArray());
                }

                @Override
                public void close() {
                    flush();
                }
            };
        }
    }

    /** A read-only channel over one array. */
    private static final class ArrayChannel implements ReadableChannel {
        private final byte[] data;
        private int position;
        private boolean open = true;

        ArrayChannel(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(ByteBuffer dst) {
            int n = Math.min(dst.remaining(), data.length - position);
            if (n <= 0) {
                return -1;
            }
            dst.put(data, position, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void position(long newPosition) {
            position = (int) newPosition;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public int blockSize() {
            return 0;
        }

        @Override
        public void setReadAheadBytes(int bytes) {
            // Everything is in memory already.
        }
    }
}
