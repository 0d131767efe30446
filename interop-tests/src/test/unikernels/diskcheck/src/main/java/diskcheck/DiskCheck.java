package diskcheck;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mirage.block.Block;
import mirage.core.Console;
import mirage.core.Unikernel;

/**
 * Prints the disk's sector size and count, then the text in sector 0 (up to its first NUL);
 * with {@code --write=TEXT}, writes TEXT there (NUL-padded) and flushes first.
 */
public final class DiskCheck implements Unikernel {

    public void start(Console console, Block disk, String write) throws Exception {
        Block.Info info = disk.info();
        console.println("sectors " + info.sectorSize() + " x " + info.sizeSectors());
        ByteBuffer sector = ByteBuffer.allocateDirect(info.sectorSize());
        if (!write.isEmpty()) {
            sector.put(write.getBytes(StandardCharsets.UTF_8)).clear();
            disk.write(0, List.of(sector));
            disk.flush();
            console.println("wrote " + write);
            sector.clear();
            sector.put(new byte[info.sectorSize()]).clear();
        }
        disk.read(0, List.of(sector));
        byte[] bytes = new byte[sector.capacity()];
        sector.get(0, bytes);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        console.println("sector 0: " + new String(bytes, 0, end, StandardCharsets.UTF_8));
    }
}
