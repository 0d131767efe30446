package mirage.block.internal.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import mirage.block.Block;
import mirage.block.Partition;
import mirage.block.PartitionException;
import mirage.block.PartitionException.Reason;
import mirage.block.PartitionTable;

/**
 * Reads a GUID partition table (UEFI 2.10, section 5.3): the primary header at LBA 1, its
 * backup at the primary's alternate LBA (or the last LBA when the primary is damaged), each
 * checked by its header CRC32 and its entry array's CRC32.
 */
final class GptReader {
    /** "EFI PART", read as a little-endian long. */
    static final long SIGNATURE = 0x5452415020494645L;
    static final int MIN_HEADER_SIZE = 92;
    static final int MIN_ENTRY_SIZE = 128;
    /** Larger entries than this are refused: no tool writes them. */
    static final int MAX_ENTRY_SIZE = 4096;
    /** Entry arrays larger than this are refused (sgdisk's default is 16 KiB). */
    static final long MAX_ARRAY_BYTES = 1 << 24;
    private static final int NAME_OFFSET = 56;
    private static final int NAME_BYTES = 72;

    private GptReader() {}

    /** One valid header with its entries. */
    record Header(long myLba, long alternateLba, long firstUsable, long lastUsable, UUID diskGuid, int entryCount,
            int entrySize, int entriesCrc, List<Partition.Gpt> entries) {}

    static PartitionTable.Gpt read(Block disk) throws PartitionException {
        long size = disk.info().sizeSectors();
        if (size < 3) {
            throw new PartitionException(Reason.NO_TABLE, "a disk of " + size + " sectors has no room for a GPT");
        }
        Header primary;
        try {
            primary = header(disk, 1);
        } catch (PartitionException primaryError) {
            if (primaryError.reason() == Reason.DEVICE) {
                throw primaryError;
            }
            Header backup;
            try {
                backup = header(disk, size - 1);
            } catch (PartitionException backupError) {
                if (backupError.reason() == Reason.DEVICE) {
                    throw backupError;
                }
                if (primaryError.reason() == Reason.NO_TABLE && backupError.reason() == Reason.NO_TABLE) {
                    throw primaryError;
                }
                PartitionException both = primaryError.reason() != Reason.NO_TABLE ? primaryError : backupError;
                throw new PartitionException(both.reason(), "no valid GPT header: primary: "
                        + primaryError.getMessage() + "; backup: " + backupError.getMessage());
            }
            return table(backup, PartitionTable.Headers.PRIMARY_INVALID);
        }
        long alternate = primary.alternateLba() > 1 && primary.alternateLba() < size ? primary.alternateLba() : size - 1;
        PartitionTable.Headers state;
        try {
            Header backup = header(disk, alternate);
            state = agree(primary, backup) ? PartitionTable.Headers.BOTH_VALID : PartitionTable.Headers.BACKUP_INVALID;
        } catch (PartitionException backupError) {
            if (backupError.reason() == Reason.DEVICE) {
                throw backupError;
            }
            state = PartitionTable.Headers.BACKUP_INVALID;
        }
        return table(primary, state);
    }

    private static boolean agree(Header primary, Header backup) {
        return backup.alternateLba() == primary.myLba() && primary.alternateLba() == backup.myLba()
                && primary.diskGuid().equals(backup.diskGuid())
                && primary.firstUsable() == backup.firstUsable() && primary.lastUsable() == backup.lastUsable()
                && primary.entryCount() == backup.entryCount() && primary.entrySize() == backup.entrySize()
                && primary.entriesCrc() == backup.entriesCrc();
    }

    private static PartitionTable.Gpt table(Header h, PartitionTable.Headers state) {
        return new PartitionTable.Gpt(h.diskGuid(), h.firstUsable(), h.lastUsable(), h.entries(), state);
    }

    /** The header at {@code lba} (inside the disk) and its entries, if both are valid. */
    static Header header(Block disk, long lba) throws PartitionException {
        Block.Info info = disk.info();
        long size = info.sizeSectors();
        int sectorSize = info.sectorSize();
        ByteBuffer b = TableReader.readSectors(disk, lba, 1).order(ByteOrder.LITTLE_ENDIAN);
        String where = (lba == 1 ? "primary" : "backup") + " GPT header at LBA " + lba;
        if (b.getLong(0) != SIGNATURE) {
            throw new PartitionException(Reason.NO_TABLE, "no " + where);
        }
        int revision = b.getInt(8);
        if (revision >>> 16 != 1) {
            throw malformed(where + " has revision 0x" + Integer.toHexString(revision) + ", not 1.x");
        }
        long headerSize = Integer.toUnsignedLong(b.getInt(12));
        if (headerSize < MIN_HEADER_SIZE || headerSize > sectorSize) {
            throw malformed(where + " declares a size of " + headerSize + " bytes");
        }
        int crc = b.getInt(16);
        CRC32 check = new CRC32();
        check.update(b.array(), 0, 16);
        check.update(new byte[4]);
        check.update(b.array(), 20, (int) headerSize - 20);
        if ((int) check.getValue() != crc) {
            throw new PartitionException(Reason.CHECKSUM, where + " fails its CRC32");
        }
        long myLba = b.getLong(24);
        long alternateLba = b.getLong(32);
        long firstUsable = b.getLong(40);
        long lastUsable = b.getLong(48);
        UUID diskGuid = guid(b, 56);
        long entriesLba = b.getLong(72);
        long entryCount = Integer.toUnsignedLong(b.getInt(80));
        long entrySize = Integer.toUnsignedLong(b.getInt(84));
        int entriesCrc = b.getInt(88);
        if (myLba != lba) {
            throw malformed(where + " says it is at LBA " + myLba);
        }
        if (firstUsable < 1 || lastUsable < firstUsable || lastUsable >= size || (lba >= firstUsable && lba <= lastUsable)) {
            throw malformed(where + " has usable LBAs " + firstUsable + " to " + lastUsable
                    + ", not within a disk of " + size + " sectors without the header");
        }
        if (entrySize < MIN_ENTRY_SIZE || entrySize > MAX_ENTRY_SIZE || Long.bitCount(entrySize) != 1) {
            throw malformed(where + " has entries of " + entrySize + " bytes, not 128 times a power of two up to 4096");
        }
        long arrayBytes = entryCount * entrySize;
        if (arrayBytes > MAX_ARRAY_BYTES) {
            throw malformed(where + " has an entry array of " + arrayBytes + " bytes, more than " + MAX_ARRAY_BYTES);
        }
        long arraySectors = (arrayBytes + sectorSize - 1) / sectorSize;
        if (entriesLba < 1 || entriesLba > size - arraySectors
                || (arraySectors > 0 && lba >= entriesLba && lba < entriesLba + arraySectors)
                || (arraySectors > 0 && entriesLba <= lastUsable && firstUsable < entriesLba + arraySectors)) {
            throw malformed(where + " has its entry array (" + arraySectors + " sectors at LBA " + entriesLba
                    + ") outside the disk or over the header or the usable LBAs");
        }
        ByteBuffer array = arraySectors == 0 ? ByteBuffer.allocate(0)
                : TableReader.readSectors(disk, entriesLba, (int) arraySectors).order(ByteOrder.LITTLE_ENDIAN);
        check.reset();
        check.update(array.array(), 0, (int) arrayBytes);
        if ((int) check.getValue() != entriesCrc) {
            throw new PartitionException(Reason.CHECKSUM, "the entry array of the " + where + " fails its CRC32");
        }
        List<Partition.Gpt> entries = new ArrayList<>();
        for (int i = 0; i < entryCount; i++) {
            int at = (int) (i * entrySize);
            if (array.getLong(at) == 0 && array.getLong(at + 8) == 0) {
                continue;
            }
            long first = array.getLong(at + 32);
            long last = array.getLong(at + 40);
            if (first < firstUsable || last > lastUsable || last < first) {
                throw malformed("GPT entry " + (i + 1) + " (LBAs " + first + " to " + last
                        + ") does not lie within the usable LBAs " + firstUsable + " to " + lastUsable);
            }
            entries.add(new Partition.Gpt(i + 1, guid(array, at), guid(array, at + 16), first, last,
                    array.getLong(at + 48), name(array.array(), at + NAME_OFFSET)));
        }
        TableReader.noOverlaps(entries, "GPT");
        return new Header(myLba, alternateLba, firstUsable, lastUsable, diskGuid, (int) entryCount, (int) entrySize,
                entriesCrc, entries);
    }

    /** A GUID in the mixed-endian layout: three little-endian fields, then eight bytes in order. */
    static UUID guid(ByteBuffer b, int at) {
        long d1 = Integer.toUnsignedLong(b.getInt(at));
        long d2 = Short.toUnsignedLong(b.getShort(at + 4));
        long d3 = Short.toUnsignedLong(b.getShort(at + 6));
        long low = b.order(ByteOrder.BIG_ENDIAN).getLong(at + 8);
        b.order(ByteOrder.LITTLE_ENDIAN);
        return new UUID(d1 << 32 | d2 << 16 | d3, low);
    }

    private static String name(byte[] bytes, int at) {
        int end = at;
        while (end < at + NAME_BYTES && (bytes[end] != 0 || bytes[end + 1] != 0)) {
            end += 2;
        }
        return new String(bytes, at, end - at, StandardCharsets.UTF_16LE);
    }

    private static PartitionException malformed(String message) {
        return new PartitionException(Reason.MALFORMED, message);
    }
}
