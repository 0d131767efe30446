package mirage.platform.solo5.internal.block;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.internal.text.Printable;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;

/**
 * Attaches {@code BLOCK_BASIC} devices as Solo5's tenders do: {@code --block:NAME=PATH} names
 * an existing file or raw disk, read and written in {@value #SECTOR_SIZE}-byte sectors; its
 * size must be a whole number of them (solo5-hvt's rule), and a file is never created or
 * resized. The only class the platform calls that touches {@code mirage.block}: it is loaded
 * when such a device is bound, never otherwise.
 */
public final class BlockBinder {
    /** Solo5's sector size. */
    public static final int SECTOR_SIZE = 512;

    private BlockBinder() {}

    /**
     * Opens the device's file.
     *
     * @param option the binding option as written, {@code --block:NAME}, for messages
     * @throws ArgumentException one line naming the option: {@code MALFORMED} for a path that
     *     cannot be one, {@code DEVICE} when the file is missing, not a whole number of sectors,
     *     or cannot be opened for reading and writing (the reason named)
     */
    public static Device attach(String name, int handle, String option, String value) throws ArgumentException {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new ArgumentException(Problem.MALFORMED, option, "bad path in " + option + ": " + e.getReason());
        }
        String shown = Printable.of(value, 200); // messages are one line, whatever the path holds
        if (!Files.exists(path)) {
            throw new ArgumentException(Problem.DEVICE, option, "cannot attach " + option + ": " + shown
                    + " does not exist (create it first, e.g. truncate -s 64M " + shown + ")");
        }
        if (Files.isDirectory(path)) {
            throw new ArgumentException(Problem.DEVICE, option, "cannot attach " + option + ": " + shown + " is a directory");
        }
        Block file;
        try {
            file = Block.file(path);
        } catch (BlockException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ArgumentException(Problem.DEVICE, option, "cannot attach " + option + " to " + shown + ": "
                    + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + Printable.of(cause.getMessage(), 200)));
        }
        try {
            long bytes = Files.isRegularFile(path) ? Files.size(path) : file.info().sizeBytes();
            if (bytes % SECTOR_SIZE != 0 || bytes == 0) {
                throw new ArgumentException(Problem.DEVICE, option, "cannot attach " + option + ": the size of " + shown
                        + " (" + bytes + " bytes) is not a positive multiple of " + SECTOR_SIZE);
            }
        } catch (java.io.IOException e) {
            file.close();
            throw new ArgumentException(Problem.DEVICE, option, "cannot attach " + option + ": " + Printable.of(String.valueOf(e.getMessage()), 200));
        } catch (ArgumentException e) {
            file.close();
            throw e;
        }
        return new HostBlock(name, handle, file);
    }

    /** A bound block device: the file's {@link Block}, and the platform's {@link Device}. */
    static final class HostBlock implements Block, Device {
        private final String name;
        private final int handle;
        private final Block file;

        HostBlock(String name, int handle, Block file) {
            this.name = name;
            this.handle = handle;
            this.file = file;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeviceKind kind() {
            return DeviceKind.BLOCK_BASIC;
        }

        @Override
        public int handle() {
            return handle;
        }

        @Override
        public Info info() {
            return file.info();
        }

        @Override
        public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
            file.read(sectorOffset, buffers);
        }

        @Override
        public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
            file.write(sectorOffset, buffers);
        }

        @Override
        public void flush() throws BlockException {
            file.flush();
        }

        @Override
        public void discard(long sectorOffset, long sectors) throws BlockException {
            file.discard(sectorOffset, sectors);
        }

        @Override
        public void close() {
            file.close();
        }

        @Override
        public String toString() {
            return "block device " + name;
        }
    }
}
