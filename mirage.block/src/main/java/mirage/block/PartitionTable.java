package mirage.block;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A disk's partition table, as {@link Partitions#read} found it. Every partition lies within the
 * disk, and partitions do not overlap.
 */
public sealed interface PartitionTable {

    /** The used entries, by index. */
    List<? extends Partition> partitions();

    /** The partition numbered {@code index}, if used. */
    default Optional<Partition> byIndex(int index) {
        for (Partition p : partitions()) {
            if (p.index() == index) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * A classic MBR table: its primary entries. Logical partitions inside an extended one are
     * not read; the extended entry itself is listed.
     *
     * @param diskSignature the 32-bit disk signature at byte 440
     */
    record Mbr(int diskSignature, List<Partition.Mbr> partitions) implements PartitionTable {
        public Mbr {
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * A GUID partition table; usable sectors lie from {@code firstUsable} to {@code lastUsable}.
     *
     * @param headers which headers were valid, so which one these entries come from
     */
    record Gpt(UUID diskGuid, long firstUsable, long lastUsable, List<Partition.Gpt> partitions, Headers headers)
            implements PartitionTable {
        public Gpt {
            partitions = List.copyOf(partitions);
        }

        /** The first partition named {@code name}, if any. */
        public Optional<Partition.Gpt> byName(String name) {
            return partitions.stream().filter(p -> p.name().equals(name)).findFirst();
        }

        /** The partition whose unique GUID is {@code guid}, if any. */
        public Optional<Partition.Gpt> byGuid(UUID guid) {
            return partitions.stream().filter(p -> p.guid().equals(guid)).findFirst();
        }
    }

    /** The state of a GPT's two copies. */
    enum Headers {
        /** Primary and backup header and entry arrays are valid and agree. */
        BOTH_VALID,
        /** The primary is valid and used; the backup is missing, damaged or disagrees: repair it. */
        BACKUP_INVALID,
        /** The primary (header or entry array) is damaged; the entries come from the backup: repair the primary. */
        PRIMARY_INVALID
    }
}
