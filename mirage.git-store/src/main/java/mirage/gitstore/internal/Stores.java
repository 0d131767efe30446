package mirage.gitstore.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import mirage.gitstore.GitStore;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.GitStoreException.Reason;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;

/** The factories behind {@link GitStore}'s static methods. */
public final class Stores {
    private static final AtomicLong NAMES = new AtomicLong();

    static {
        initLogging();
    }

    private Stores() {}

    /**
     * Initializes slf4j, JGit's logging API, before JGit does, with its own reports limited to
     * errors for that moment only: in a unikernel image it finds no logging provider (none is
     * linked, JGit logs nothing the store needs) and would otherwise print three lines saying
     * so on the console. Nothing changes if the application set the verbosity itself or slf4j
     * was initialized already.
     */
    private static void initLogging() {
        String key = "slf4j.internal.verbosity";
        if (System.getProperty(key) != null) {
            return;
        }
        System.setProperty(key, "ERROR");
        try {
            org.slf4j.LoggerFactory.getILoggerFactory();
        } finally {
            System.clearProperty(key);
        }
    }

    public static GitStore memory(InstantSource clock) {
        MemRepository repo = new MemRepository("mem-" + NAMES.incrementAndGet());
        try {
            linkHead(repo);
        } catch (IOException e) {
            throw new IllegalStateException("an in-memory repository failed: " + e.getMessage(), e);
        }
        return new JGitStore(repo, clock);
    }

    public static GitStore bare(Path directory, InstantSource clock) throws GitStoreException {
        try {
            Files.createDirectories(directory);
            File dir = directory.toFile();
            boolean fresh = !Files.exists(directory.resolve("config")) && !Files.exists(directory.resolve("HEAD"));
            Repository repo;
            try {
                repo = new FileRepository(dir);
            } catch (IOException | IllegalArgumentException e) {
                throw new GitStoreException(Reason.CORRUPT, null, directory + " is not a git repository that can be read: " + e.getMessage(), e);
            }
            if (fresh) {
                repo.create(true);
                linkHead(repo);
            } else if (!repo.getObjectDatabase().exists()) {
                repo.close();
                throw new GitStoreException(Reason.CORRUPT, directory + " is not a git repository (no objects directory)");
            }
            return new JGitStore(repo, clock);
        } catch (IOException e) {
            throw Errors.storage("opening " + directory, e);
        }
    }

    public static GitStore block(mirage.block.Block device, InstantSource clock) throws GitStoreException {
        try {
            org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription d =
                    new org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription("block-" + NAMES.incrementAndGet());
            BlockLog log = new BlockLog(device, d);
            MemRepository repo = new MemRepository(d, log, log.packs());
            if (log.packs().isEmpty()) {
                linkHead(repo);
            }
            return new JGitStore(repo, clock);
        } catch (IOException e) {
            throw Errors.storage("opening the store on the block device", e);
        }
    }

    private static void linkHead(Repository repo) throws IOException {
        RefUpdate u = repo.updateRef(Constants.HEAD);
        u.disableRefLog();
        RefUpdate.Result r = u.link(Constants.R_HEADS + GitStore.MAIN);
        if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("cannot point HEAD at " + GitStore.MAIN + ": " + r);
        }
    }
}
