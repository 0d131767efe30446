package mirage.gitstore.internal;

import java.util.zip.DataFormatException;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.GitStoreException.Reason;
import mirage.kv.Key;
import mirage.kv.KvException;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.PackInvalidException;
import org.eclipse.jgit.errors.PackMismatchException;

/** Maps JGit's and mirage.kv's failures onto {@link GitStoreException}. */
final class Errors {
    private Errors() {}

    /** A failure of the repository below: CORRUPT when the data is not valid git, else STORAGE. */
    static GitStoreException storage(String what, Throwable e) {
        if (e instanceof GitStoreException g) {
            return g;
        }
        return new GitStoreException(corrupt(e) ? Reason.CORRUPT : Reason.STORAGE, null,
                what + ": " + e.getMessage(), e);
    }

    static boolean corrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CorruptObjectException || t instanceof MissingObjectException
                    || t instanceof IncorrectObjectTypeException || t instanceof DataFormatException
                    || t instanceof PackInvalidException || t instanceof PackMismatchException
                    || t instanceof java.util.zip.ZipException || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof LargeObjectException) {
                return false;
            }
        }
        return false;
    }

    /** A key-semantics failure of a write, as a store error with the same meaning. */
    static GitStoreException of(KvException e) {
        Reason r = switch (e.reason()) {
            case NOT_FOUND -> Reason.NOT_FOUND;
            case DICTIONARY_EXPECTED -> Reason.DICTIONARY_EXPECTED;
            case VALUE_EXPECTED -> Reason.VALUE_EXPECTED;
            case STORAGE -> e.getCause() instanceof GitStoreException g ? g.reason() : Reason.STORAGE;
            default -> Reason.STORAGE;
        };
        if (e.getCause() instanceof GitStoreException g) {
            return g;
        }
        return new GitStoreException(r, e.key(), e.getMessage(), e);
    }

    /** A store failure during a key-value operation, as the {@code STORAGE} key-value error. */
    static KvException kv(Key key, GitStoreException e) {
        KvException.Reason r = switch (e.reason()) {
            case NOT_FOUND -> KvException.Reason.NOT_FOUND;
            case DICTIONARY_EXPECTED -> KvException.Reason.DICTIONARY_EXPECTED;
            case VALUE_EXPECTED -> KvException.Reason.VALUE_EXPECTED;
            default -> KvException.Reason.STORAGE;
        };
        return new KvException(r, e.key().orElse(key), null, e.getMessage(), e);
    }
}
