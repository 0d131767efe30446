package mirage.block;

import java.time.InstantSource;
import mirage.block.internal.tar.TarKvRo;
import mirage.block.internal.tar.TarKvRw;
import mirage.kv.KvException;
import mirage.kv.KvRo;
import mirage.kv.KvRw;

/**
 * Key-value stores over a tar archive on a block device (mirage's {@code tar_kv_ro} and
 * {@code tar_kv_rw}). See docs/decisions/0010-kv-and-tar.md.
 *
 * <p>Read: ustar, GNU (long names and link names in {@code 'L'}/{@code 'K'} entries, base-256
 * sizes and times) and pax ({@code path}, {@code size}, {@code mtime}, {@code linkpath}).
 * Regular files and hard links are values; dictionaries are implied by paths (explicit
 * directory entries, symbolic links and devices are not keys). The index is built once when the
 * store is opened: a lookup is one hash probe, and only a value's bytes are read afterwards.
 * Sizes and times come from the headers; a value's digest is the SHA-256 of its bytes, read on
 * first request.
 *
 * <p>The stores do not own the device: closing a store leaves it open. Any byte content of the
 * device gives either a {@link KvException} with reason {@code STORAGE} when opening, or a
 * consistent store; no access reaches outside the device.
 */
public interface TarStore {

    /**
     * A read-only store over the archive on {@code device}.
     *
     * @throws KvException {@code STORAGE} if the device fails or the archive is malformed
     */
    static KvRo readOnly(Block device) throws KvException {
        return TarKvRo.open(device);
    }

    /**
     * An append-only store over the archive on {@code device} (an all-zero device is an empty
     * archive), entries timed by {@code clock} (the archive keeps whole seconds). Each write
     * appends an entry and a new end-of-archive marker and flushes; GNU tar lists and extracts
     * the result. Writing an existing key appends a replacing entry; remove and rename fail with
     * {@code NOT_SUPPORTED}; a write that does not fit fails with {@code NO_SPACE}.
     *
     * @throws KvException {@code STORAGE} as {@link #readOnly}
     * @throws IllegalArgumentException if the device is read-only
     */
    static KvRw appendOnly(Block device, InstantSource clock) throws KvException {
        return TarKvRw.open(device, clock);
    }
}
