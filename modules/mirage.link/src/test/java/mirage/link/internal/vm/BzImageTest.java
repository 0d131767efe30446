package mirage.link.internal.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BzImageTest {
    /** A bzImage of {@code payload}: setup header (protocol 2.15), one setup sector, a stub, then the payload. */
    static byte[] bzImage(byte[] payload, int version) {
        int setupSects = 1;
        int code = (setupSects + 1) * 512;
        int stub = 100;
        ByteBuffer b = ByteBuffer.allocate(code + stub + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(BzImage.SETUP_SECTS, (byte) setupSects);
        b.putInt(BzImage.HEADER_MAGIC, BzImage.HDRS);
        b.putShort(BzImage.VERSION, (short) version);
        b.putInt(BzImage.PAYLOAD_OFFSET, stub);
        b.putInt(BzImage.PAYLOAD_LENGTH, payload.length);
        b.put(code + stub, payload);
        return b.array();
    }

    /** What the kernel's build appends to every payload but gzip's: the size, 4 bytes little-endian. */
    static byte[] withSize(byte[] compressed, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(compressed);
        Lz4Encoder.le32(out, size);
        return out.toByteArray();
    }

    static byte[] vmlinux() {
        byte[] elf = TestElf.executable().pvh().build();
        byte[] big = new byte[elf.length + 200_000];
        System.arraycopy(elf, 0, big, 0, elf.length);
        System.arraycopy(Lz4Test.compressible(3, 200_000), 0, big, elf.length, 200_000);
        return big;
    }

    @Test
    void an_lz4_payload_decodes_to_the_vmlinux() throws Exception {
        byte[] vmlinux = vmlinux();
        byte[] image = bzImage(withSize(Lz4Encoder.legacyFrame(vmlinux, 64 * 1024), vmlinux.length), 0x020f);
        assertTrue(BzImage.isBzImage(image));
        assertFalse(BzImage.isElf(image));
        assertArrayEquals(vmlinux, BzImage.vmlinux(image));
    }

    @Test
    void a_gzip_payload_decodes_to_the_vmlinux() throws Exception {
        byte[] vmlinux = vmlinux();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(vmlinux);
        }
        assertArrayEquals(vmlinux, BzImage.vmlinux(bzImage(gz.toByteArray(), 0x020c)));
    }

    @Test
    void other_compressions_are_named_and_refused() {
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3, 4, 5, 6};
        MalformedException e = assertThrows(MalformedException.class, () -> BzImage.vmlinux(bzImage(xz, 0x020f)));
        assertEquals("its payload is xz-compressed; mirage decodes gzip and LZ4 kernels only: give the uncompressed vmlinux instead",
                e.getMessage());
        byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0};
        e = assertThrows(MalformedException.class, () -> BzImage.vmlinux(bzImage(zstd, 0x020f)));
        assertTrue(e.getMessage().startsWith("its payload is zstd-compressed"), e.getMessage());
    }

    @Test
    void an_old_boot_protocol_or_a_payload_outside_the_file_is_refused() {
        byte[] payload = withSize(Lz4Encoder.legacyFrame(new byte[100], 100), 100);
        MalformedException e = assertThrows(MalformedException.class, () -> BzImage.vmlinux(bzImage(payload, 0x0207)));
        assertEquals("boot protocol 2.7 is older than 2.08, which says where the payload is", e.getMessage());
        byte[] image = bzImage(payload, 0x020f);
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(BzImage.PAYLOAD_LENGTH, image.length);
        e = assertThrows(MalformedException.class, () -> BzImage.vmlinux(image));
        assertTrue(e.getMessage().contains("lies outside the"), e.getMessage());
        e = assertThrows(MalformedException.class, () -> BzImage.vmlinux("not a kernel".getBytes()));
        assertTrue(e.getMessage().startsWith("neither an ELF vmlinux nor a bzImage"), e.getMessage());
    }

    @Test
    void a_payload_that_is_not_elf_is_refused() {
        byte[] data = Lz4Test.compressible(5, 1000);
        byte[] image = bzImage(withSize(Lz4Encoder.legacyFrame(data, 1000), data.length), 0x020f);
        MalformedException e = assertThrows(MalformedException.class, () -> BzImage.vmlinux(image));
        assertEquals("the payload decodes to something other than an ELF vmlinux", e.getMessage());
    }

    /** Debian's cloud kernel, when a virtio build has fetched it into the cache: LZ4, with a PVH note. */
    @Test
    void debians_cloud_kernel_decodes_to_a_vmlinux_with_a_pvh_entry() throws Exception {
        Path kernels = DebianKernel.defaultCache().resolve("kernels");
        Optional<Path> vmlinuz = Optional.empty();
        if (Files.isDirectory(kernels)) {
            try (Stream<Path> s = Files.walk(kernels, 4)) {
                vmlinuz = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst();
            }
        }
        assumeTrue(vmlinuz.isPresent(), "no Debian kernel in " + kernels + " (a virtio build fetches one)");
        byte[] image = Files.readAllBytes(vmlinuz.get());
        assertEquals(BzImage.Compression.LZ4, BzImage.Compression.of(image,
                (int) ((image[BzImage.SETUP_SECTS] + 1) * 512L + Lz4.le32(image, BzImage.PAYLOAD_OFFSET))));
        Kernel k = Kernel.read("test", vmlinuz.get(), Optional.empty(), Optional.empty());
        assertTrue(k.hasPvhEntry());
        assertTrue(k.release().orElseThrow().endsWith("-cloud-amd64"), k.release().toString());
    }
}
