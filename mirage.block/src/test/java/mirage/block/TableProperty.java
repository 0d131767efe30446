package mirage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

/** The property every partition-table input must satisfy, shared by the fuzz and property tests. */
final class TableProperty {
    private TableProperty() {}

    /**
     * Reading a table from {@code disk} yields a typed error that is not a device error (so no
     * read went outside the disk), or a consistent table.
     */
    static void holds(ImageBlock disk) {
        PartitionTable table;
        try {
            table = Partitions.read(disk);
        } catch (PartitionException e) {
            assertNotEquals(PartitionException.Reason.DEVICE, e.reason(), () -> "device error: " + e.getMessage());
            assertNotNull(e.getMessage());
            return;
        }
        assertFalse(disk.readOutside, "read outside the disk");
        long size = disk.info().sizeSectors();
        List<Partition> sorted = new ArrayList<>(table.partitions());
        var indices = new HashSet<Integer>();
        for (Partition p : sorted) {
            assertTrue(indices.add(p.index()), "duplicate index " + p.index());
            assertTrue(p.index() >= 1);
            assertTrue(p.sectors() >= 1, "empty partition " + p);
            assertTrue(p.firstSector() >= 1 && p.firstSector() <= size - p.sectors(), "outside the disk: " + p);
            assertEquals(p.sectors(), Partitions.open(disk, p).info().sizeSectors());
        }
        switch (table) {
            case PartitionTable.Mbr mbr -> mbr.partitions().forEach(p -> assertTrue(p.index() <= 4));
            case PartitionTable.Gpt gpt -> {
                assertTrue(gpt.firstUsable() >= 1 && gpt.firstUsable() <= gpt.lastUsable() && gpt.lastUsable() < size);
                gpt.partitions().forEach(p -> assertTrue(
                        p.firstSector() >= gpt.firstUsable() && p.lastSector() <= gpt.lastUsable(), "unusable: " + p));
                assertNotNull(gpt.headers());
            }
        }
        sorted.sort(Comparator.comparingLong(Partition::firstSector));
        for (int i = 1; i < sorted.size(); i++) {
            Partition a = sorted.get(i - 1);
            assertTrue(a.firstSector() + a.sectors() <= sorted.get(i).firstSector(), "overlap: " + a + " " + sorted.get(i));
        }
    }
}
