package mirage.block;

import java.util.UUID;
import mirage.block.internal.partition.TableReader;

/**
 * Reads MBR and GPT partition tables and opens partitions as {@link Block#subRange} views of
 * the disk. The disk's sector size must be at least 512 bytes; table LBAs count the disk's
 * sectors. Reading touches only sectors inside the disk.
 */
public interface Partitions {

    /**
     * The disk's partition table: a GPT if the MBR is protective (has a {@code 0xEE} entry) or
     * absent and a GPT header is found, else the MBR. A GPT whose primary copy is damaged is read
     * from its backup and says so in {@link PartitionTable.Gpt#headers()}.
     *
     * @throws PartitionException for any bytes that are not a sound table, or if the disk fails
     */
    static PartitionTable read(Block disk) throws PartitionException {
        return TableReader.read(disk);
    }

    /** A view of {@code partition} of {@code disk}. @throws IllegalArgumentException if it does not lie within the disk */
    static Block open(Block disk, Partition partition) {
        return Block.subRange(disk, partition.firstSector(), partition.sectors());
    }

    /** Reads the table and opens the partition numbered {@code index} (from 1). */
    static Block open(Block disk, int index) throws PartitionException {
        PartitionTable table = read(disk);
        return open(disk, table.byIndex(index).orElseThrow(
                () -> new PartitionException(PartitionException.Reason.NOT_FOUND, "no partition " + index)));
    }

    /** Reads the GPT and opens its first partition named {@code name}. */
    static Block open(Block disk, String name) throws PartitionException {
        return open(disk, gpt(disk).byName(name).orElseThrow(
                () -> new PartitionException(PartitionException.Reason.NOT_FOUND, "no partition named " + name)));
    }

    /** Reads the GPT and opens the partition whose unique GUID is {@code guid}. */
    static Block open(Block disk, UUID guid) throws PartitionException {
        return open(disk, gpt(disk).byGuid(guid).orElseThrow(
                () -> new PartitionException(PartitionException.Reason.NOT_FOUND, "no partition with GUID " + guid)));
    }

    private static PartitionTable.Gpt gpt(Block disk) throws PartitionException {
        if (read(disk) instanceof PartitionTable.Gpt gpt) {
            return gpt;
        }
        throw new PartitionException(PartitionException.Reason.NOT_FOUND, "the disk has an MBR, not a GPT");
    }
}
