package mirage.block;

/** How {@link Block#file} opens its file. */
public sealed interface FileOption {

    /** The device's sector size in bytes; 512 when not given. */
    record SectorSize(int bytes) implements FileOption {
        public SectorSize {
            new Block.Info(bytes, 0, true); // validates
        }
    }

    /**
     * Creates a new file (failing if one exists) of {@code sectors} sectors, sparse: nothing is
     * written, so the file takes no space until written.
     */
    record Create(long sectors) implements FileOption {
        public Create {
            if (sectors < 0) {
                throw new IllegalArgumentException("negative size: " + sectors + " sectors");
            }
        }
    }

    /** Flags. */
    enum Flag implements FileOption {
        /** Open for reading only; {@link Block.Info#readWrite()} is false. */
        READ_ONLY,
        /**
         * Bypass the page cache (Linux {@code O_DIRECT}). Not available yet: see
         * docs/decisions/0009-block.md; {@link Block#file} rejects it with
         * {@link UnsupportedOperationException}.
         */
        DIRECT
    }

    /** {@link SectorSize}. */
    static FileOption sectorSize(int bytes) {
        return new SectorSize(bytes);
    }

    /** {@link Create}. */
    static FileOption create(long sectors) {
        return new Create(sectors);
    }

    /** {@link Flag#READ_ONLY}. */
    static FileOption readOnly() {
        return Flag.READ_ONLY;
    }
}
