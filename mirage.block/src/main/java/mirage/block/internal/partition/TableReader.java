package mirage.block.internal.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.block.Partition;
import mirage.block.PartitionException;
import mirage.block.PartitionException.Reason;
import mirage.block.PartitionTable;

/**
 * Chooses between MBR and GPT and reads the MBR. Every read is of whole sectors inside the disk;
 * no input makes this throw anything but {@link PartitionException}.
 */
public final class TableReader {
    static final int MIN_SECTOR = 512;
    private static final int SIGNATURE_OFFSET = 510;
    private static final int ENTRIES_OFFSET = 446;
    private static final int DISK_SIGNATURE_OFFSET = 440;
    static final int PROTECTIVE = 0xEE;

    private TableReader() {}

    public static PartitionTable read(Block disk) throws PartitionException {
        Block.Info info = disk.info();
        if (info.sectorSize() < MIN_SECTOR) {
            throw new PartitionException(Reason.UNSUPPORTED,
                    "sectors of " + info.sectorSize() + " bytes are smaller than the 512 a partition table needs");
        }
        if (info.sizeSectors() < 1) {
            throw new PartitionException(Reason.NO_TABLE, "the disk is empty");
        }
        ByteBuffer mbr = readSectors(disk, 0, 1);
        boolean signed = (mbr.get(SIGNATURE_OFFSET) & 0xFF) == 0x55 && (mbr.get(SIGNATURE_OFFSET + 1) & 0xFF) == 0xAA;
        if (signed) {
            boolean protective = false;
            for (int i = 0; i < 4; i++) {
                if ((mbr.get(ENTRIES_OFFSET + 16 * i + 4) & 0xFF) == PROTECTIVE) {
                    protective = true;
                }
            }
            if (!protective) {
                return mbr(mbr, info);
            }
            return GptReader.read(disk);
        }
        try {
            return GptReader.read(disk);
        } catch (PartitionException e) {
            if (e.reason() == Reason.NO_TABLE) {
                throw new PartitionException(Reason.NO_TABLE, "no MBR boot signature and no GPT header");
            }
            throw e;
        }
    }

    static PartitionTable.Mbr mbr(ByteBuffer sector, Block.Info info) throws PartitionException {
        sector.order(ByteOrder.LITTLE_ENDIAN);
        List<Partition.Mbr> entries = new ArrayList<>(4);
        for (int i = 0; i < 4; i++) {
            int at = ENTRIES_OFFSET + 16 * i;
            int status = sector.get(at) & 0xFF;
            int type = sector.get(at + 4) & 0xFF;
            long first = Integer.toUnsignedLong(sector.getInt(at + 8));
            long count = Integer.toUnsignedLong(sector.getInt(at + 12));
            if (type == 0) {
                continue;
            }
            int index = i + 1;
            if (status != 0 && status != 0x80) {
                throw new PartitionException(Reason.MALFORMED,
                        "MBR entry " + index + " has status 0x" + Integer.toHexString(status) + ", not 0x00 or 0x80");
            }
            if (count == 0 || first == 0 || first > info.sizeSectors() - count) {
                throw new PartitionException(Reason.MALFORMED, "MBR entry " + index + " (" + count
                        + " sectors from " + first + ") does not lie within the disk's " + info.sizeSectors() + " sectors");
            }
            entries.add(new Partition.Mbr(index, type, status == 0x80, first, count));
        }
        noOverlaps(entries, "MBR");
        return new PartitionTable.Mbr(sector.getInt(DISK_SIGNATURE_OFFSET), entries);
    }

    /** @throws PartitionException {@link Reason#MALFORMED} if two partitions share a sector */
    static void noOverlaps(List<? extends Partition> partitions, String format) throws PartitionException {
        List<? extends Partition> sorted = new ArrayList<>(partitions);
        sorted.sort(Comparator.comparingLong(Partition::firstSector));
        for (int i = 1; i < sorted.size(); i++) {
            Partition before = sorted.get(i - 1);
            Partition after = sorted.get(i);
            if (after.firstSector() - before.firstSector() < before.sectors()) {
                throw new PartitionException(Reason.MALFORMED,
                        format + " partitions " + before.index() + " and " + after.index() + " overlap");
            }
        }
    }

    /** Reads {@code count} sectors from {@code first}, which the caller has checked lie inside the disk. */
    static ByteBuffer readSectors(Block disk, long first, int count) throws PartitionException {
        ByteBuffer buffer = ByteBuffer.allocate(count * disk.info().sectorSize());
        try {
            disk.read(first, List.of(buffer));
        } catch (BlockException e) {
            throw new PartitionException(Reason.DEVICE, "reading sector " + first + " failed: " + e.getMessage(), e);
        }
        return buffer.clear();
    }
}
