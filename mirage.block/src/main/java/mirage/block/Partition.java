package mirage.block;

import java.util.UUID;

/** One entry of a {@link PartitionTable}: a run of the disk's sectors. */
public sealed interface Partition {

    /** The entry's number, from 1, as Linux numbers it ({@code sda1} is index 1). */
    int index();

    /** The first sector, in the disk's sectors. */
    long firstSector();

    /** The number of sectors, at least 1. */
    long sectors();

    /**
     * A primary MBR entry.
     *
     * @param index 1 to 4
     * @param type the partition type byte (e.g. {@code 0x83} Linux, {@code 0x05} extended)
     * @param bootable the status byte is {@code 0x80}
     */
    record Mbr(int index, int type, boolean bootable, long firstSector, long sectors) implements Partition {}

    /**
     * A used GPT entry.
     *
     * @param index the entry's position in the array, from 1
     * @param type the partition type GUID (never the all-zero unused GUID)
     * @param guid the unique partition GUID
     * @param lastSector the last sector, inclusive
     * @param attributes the 64 attribute bits
     * @param name the name, decoded from UTF-16LE up to the first NUL
     */
    record Gpt(int index, UUID type, UUID guid, long firstSector, long lastSector, long attributes, String name)
            implements Partition {
        @Override
        public long sectors() {
            return lastSector - firstSector + 1;
        }
    }
}
