package mirage.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables that sfdisk and sgdisk wrote on sparse files, read back and compared with {@code sfdisk -d}. */
class PartitionsToolTest {
    @TempDir
    Path dir;
    Path disk;

    @BeforeEach
    void sparseDisk() throws Exception {
        DiskTools.require();
        disk = dir.resolve("disk.img");
        try (Block created = Block.file(disk, FileOption.create(64L << 11))) { // 64 MiB, sparse
            created.flush();
        }
    }

    PartitionTable read() throws Exception {
        try (Block b = Block.file(disk, FileOption.readOnly())) {
            return Partitions.read(b);
        }
    }

    static void xorByte(Path file, long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0xFF);
        }
    }

    @Test
    void mbr_written_by_sfdisk_reads_as_sfdisk_dumps_it() throws Exception {
        DiskTools.run("label: dos\nlabel-id: 0x0badcafe\n,8MiB,83\n,16MiB,7,*\n,,c\n", "sfdisk", "-q", disk.toString());
        var table = assertInstanceOf(PartitionTable.Mbr.class, read());
        assertEquals(0x0badcafe, table.diskSignature());
        List<DiskTools.Dumped> dumped = DiskTools.dump(disk);
        assertEquals(3, dumped.size());
        assertEquals(dumped.size(), table.partitions().size());
        for (int i = 0; i < dumped.size(); i++) {
            DiskTools.Dumped d = dumped.get(i);
            Partition.Mbr p = table.partitions().get(i);
            assertEquals(d.index(), p.index());
            assertEquals(d.start(), p.firstSector());
            assertEquals(d.size(), p.sectors());
            assertEquals(Integer.parseInt(d.type(), 16), p.type());
            assertEquals(d.bootable(), p.bootable());
        }
    }

    @Test
    void mbr_partition_opened_by_index_writes_where_sfdisk_put_it() throws Exception {
        DiskTools.run("label: dos\n,1MiB,83\n,2MiB,83\n", "sfdisk", "-q", disk.toString());
        long start = DiskTools.dump(disk).get(1).start();
        byte[] sector = new byte[512];
        Arrays.fill(sector, (byte) 0x5A);
        try (Block b = Block.file(disk)) {
            Block part = Partitions.open(b, 2);
            assertEquals(2048 * 2, part.info().sizeSectors());
            part.write(1, List.of(ByteBuffer.wrap(sector)));
            part.flush();
            assertEquals(PartitionException.Reason.NOT_FOUND,
                    assertThrows(PartitionException.class, () -> Partitions.open(b, 3)).reason());
            assertEquals(PartitionException.Reason.NOT_FOUND,
                    assertThrows(PartitionException.class, () -> Partitions.open(b, "root")).reason());
        }
        byte[] back = new byte[512];
        try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.wrap(back), (start + 1) * 512);
        }
        assertArrayEquals(sector, back);
    }

    void threeGptPartitions() throws Exception {
        DiskTools.run("", "sgdisk", "-n", "1:0:+8M", "-c", "1:EFI system", "-t", "1:ef00",
                "-n", "2:0:+16M", "-c", "2:données ☃", "-t", "2:8300",
                "-n", "3:0:0", "-c", "3:rest", "-A", "3:set:2", disk.toString());
    }

    @Test
    void gpt_written_by_sgdisk_reads_as_sfdisk_dumps_it() throws Exception {
        threeGptPartitions();
        var table = assertInstanceOf(PartitionTable.Gpt.class, read());
        assertEquals(PartitionTable.Headers.BOTH_VALID, table.headers());
        assertEquals(2048, table.partitions().get(0).firstSector());
        List<DiskTools.Dumped> dumped = DiskTools.dump(disk);
        assertEquals(3, dumped.size());
        assertEquals(dumped.size(), table.partitions().size());
        for (int i = 0; i < dumped.size(); i++) {
            DiskTools.Dumped d = dumped.get(i);
            Partition.Gpt p = table.partitions().get(i);
            assertEquals(d.index(), p.index());
            assertEquals(d.start(), p.firstSector());
            assertEquals(d.size(), p.sectors());
            assertEquals(UUID.fromString(d.type()), p.type());
            assertEquals(UUID.fromString(d.uuid()), p.guid());
            assertEquals(d.name(), p.name());
        }
        assertEquals("données ☃", table.partitions().get(1).name());
        assertEquals(UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"), table.partitions().get(0).type());
        assertEquals(1L << 2, table.partitions().get(2).attributes());
    }

    @Test
    void gpt_partition_opens_by_name_guid_and_index_alike() throws Exception {
        threeGptPartitions();
        var table = assertInstanceOf(PartitionTable.Gpt.class, read());
        Partition.Gpt second = table.partitions().get(1);
        try (Block b = Block.file(disk)) {
            Block byName = Partitions.open(b, "données ☃");
            Block byGuid = Partitions.open(b, second.guid());
            Block byIndex = Partitions.open(b, 2);
            assertEquals(second.sectors(), byName.info().sizeSectors());
            byte[] sector = new byte[512];
            Arrays.fill(sector, (byte) 0x33);
            byName.write(second.sectors() - 1, List.of(ByteBuffer.wrap(sector)));
            ByteBuffer viaGuid = ByteBuffer.allocate(512);
            byGuid.read(second.sectors() - 1, List.of(viaGuid));
            assertArrayEquals(sector, viaGuid.array());
            ByteBuffer viaDisk = ByteBuffer.allocate(512);
            b.read(second.lastSector(), List.of(viaDisk));
            assertArrayEquals(sector, viaDisk.array());
            assertEquals(byIndex.info(), byGuid.info());
        }
    }

    @Test
    void gpt_with_a_corrupt_primary_header_is_read_from_the_backup() throws Exception {
        threeGptPartitions();
        PartitionTable intact = read();
        xorByte(disk, 512 + 60); // inside the disk GUID: the header CRC no longer matches
        var table = assertInstanceOf(PartitionTable.Gpt.class, read());
        assertEquals(PartitionTable.Headers.PRIMARY_INVALID, table.headers());
        assertEquals(intact.partitions(), table.partitions());
    }

    @Test
    void gpt_with_a_corrupt_primary_entry_array_is_read_from_the_backup() throws Exception {
        threeGptPartitions();
        PartitionTable intact = read();
        xorByte(disk, 2 * 512 + 128 + 60); // the second entry's name
        var table = assertInstanceOf(PartitionTable.Gpt.class, read());
        assertEquals(PartitionTable.Headers.PRIMARY_INVALID, table.headers());
        assertEquals(intact.partitions(), table.partitions());
    }

    @Test
    void gpt_with_a_corrupt_backup_is_read_from_the_primary_and_says_so() throws Exception {
        threeGptPartitions();
        xorByte(disk, (64L << 20) - 512 + 60);
        var table = assertInstanceOf(PartitionTable.Gpt.class, read());
        assertEquals(PartitionTable.Headers.BACKUP_INVALID, table.headers());
        assertEquals(3, table.partitions().size());
    }

    @Test
    void gpt_with_both_headers_corrupt_is_a_checksum_error() throws Exception {
        threeGptPartitions();
        xorByte(disk, 512 + 60);
        xorByte(disk, (64L << 20) - 512 + 60);
        assertEquals(PartitionException.Reason.CHECKSUM, assertThrows(PartitionException.class, this::read).reason());
    }

    @Test
    void blank_disk_has_no_table() throws Exception {
        assertEquals(PartitionException.Reason.NO_TABLE, assertThrows(PartitionException.class, this::read).reason());
    }
}
