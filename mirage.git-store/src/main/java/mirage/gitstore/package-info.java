/**
 * A versioned, mergeable key-value store on git (Irmin's store API, irmin-mirage-git's KV).
 *
 * <h2>Model</h2>
 * A {@link mirage.gitstore.GitStore} is a git repository of named {@linkplain
 * mirage.gitstore.Branch branches}. Each branch's head is a commit; a commit's tree maps
 * {@link mirage.kv.Key}s to values exactly as git does (a key's segments are the path of a
 * blob; dictionaries are trees and, as in {@code mirage.kv}, exist only while something lies
 * below them). Every write is one commit with an {@link mirage.gitstore.Author}, a message and
 * a time read from the store's clock, a {@link java.time.InstantSource} (a unikernel passes its
 * platform's {@code WallClock}; git keeps whole seconds, in UTC).
 * A repository on disk is an ordinary bare git repository that C {@code git} reads.
 *
 * <h2>Concurrency</h2>
 * All operations block the calling (virtual) thread and are safe from many threads. Writes are
 * optimistic: a commit is built on the head it read, and the head moves only if it is still
 * that head (test-and-set). Operations that do not name an expected head rebuild on the new
 * head and retry; those that do throw {@link mirage.gitstore.HeadConflictException}. A store
 * assumes it is the only writer of its repository while open: heads are cached.
 *
 * <h2>Errors</h2>
 * {@link mirage.gitstore.GitStoreException} with a {@link mirage.gitstore.GitStoreException.Reason}
 * for every failure a caller can act on; {@code IllegalArgumentException} for invalid names;
 * {@code IllegalStateException} after close. A failed operation changes nothing.
 *
 * <h2>Buffers</h2>
 * Every {@code byte[]} passed in is copied or consumed during the call; every one returned is
 * a fresh array owned by the caller.
 */
package mirage.gitstore;
