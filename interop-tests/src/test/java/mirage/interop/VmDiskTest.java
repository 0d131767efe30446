package mirage.interop;

import static mirage.interop.Mirage.mirage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A block device in a microVM: the test unikernel interop-tests/src/test/unikernels/diskcheck
 * writes sector 0 of its disk {@code storage} (a virtio disk, /dev/vda in the guest, a file on
 * the host), flushes, and a later boot on the same file reads it back.
 */
class VmDiskTest {
    static final Path DISKCHECK = Mirage.ROOT.resolve("interop-tests/src/test/unikernels/diskcheck");

    @TempDir
    static Path work;
    static Path image;

    @BeforeAll
    static void build() throws IOException {
        Vm.requireQemu();
        Mirage.markLibrariesBuilt();
        Path uk = work.resolve("diskcheck");
        Mirage.copyTree(DISKCHECK, uk);
        Mirage.Result r = mirage("build", uk.toString(), "-t", "virtio");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("modules virtio"), "the virtio modules go into the image: " + r.err());
        image = Path.of(r.lastOutLine());
    }

    @Test
    void what_one_boot_writes_and_flushes_the_next_boot_reads_from_the_same_file() throws IOException {
        Path disk = work.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        Mirage.Result first = Vm.boot(image, "diskcheck", "--block:storage=" + disk, "--write=kept across boots");
        assertEquals(new Mirage.Result(0, "sectors 512 x 16384\nwrote kept across boots\nsector 0: kept across boots\n", ""), first);
        byte[] sector = new byte[32];
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
            f.readFully(sector);
        }
        assertTrue(new String(sector, StandardCharsets.UTF_8).startsWith("kept across boots\0"), "the host file holds the write");
        Mirage.Result second = Vm.boot(image, "diskcheck", "--block:storage=" + disk);
        assertEquals(new Mirage.Result(0, "sectors 512 x 16384\nsector 0: kept across boots\n", ""), second);
    }

    @Test
    void an_unbound_disk_stops_boot_with_the_platforms_message_and_status_64() {
        Mirage.Result r = Vm.boot(image, "diskcheck", "--write=x");
        assertEquals(64, r.exit());
        assertEquals(List.of("diskcheck: device 'storage' (BLOCK_BASIC) is not bound: give --block:storage=PATH"), r.out().lines().toList());
    }

    @Test
    void a_missing_disk_file_is_refused_by_the_launcher_as_the_process_target_refuses_it() {
        Path missing = work.resolve("missing.img");
        Mirage.Result r = Vm.boot(image, "diskcheck", "--block:storage=" + missing);
        assertEquals(new Mirage.Result(64, "", "diskcheck: cannot attach --block:storage: " + missing
                + " does not exist (create it first, e.g. truncate -s 64M " + missing + ")\n"), r);
    }
}
