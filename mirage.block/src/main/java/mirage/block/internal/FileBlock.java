package mirage.block.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.block.BlockException.Reason;
import mirage.block.FileOption;

/**
 * A device over a {@link FileChannel}: positional reads and writes (pread/pwrite, so concurrent
 * calls need no lock), {@code force(false)} on flush. Discard is accepted and does nothing.
 */
public final class FileBlock implements Block {
    private final FileChannel channel;
    private final Info info;
    private final Path path;

    private FileBlock(FileChannel channel, Info info, Path path) {
        this.channel = channel;
        this.info = info;
        this.path = path;
    }

    public static Block open(Path path, FileOption... options) throws BlockException {
        Objects.requireNonNull(path, "path");
        int sectorSize = 512;
        FileOption.Create create = null;
        boolean readOnly = false;
        for (FileOption option : options) {
            switch (Objects.requireNonNull(option, "option")) {
                case FileOption.SectorSize s -> sectorSize = s.bytes();
                case FileOption.Create c -> create = c;
                case FileOption.Flag f when f == FileOption.Flag.READ_ONLY -> readOnly = true;
                case FileOption.Flag f -> throw new UnsupportedOperationException(
                        f + " is not supported yet (docs/decisions/0009-block.md)");
            }
        }
        if (readOnly && create != null) {
            throw new IllegalArgumentException("a read-only device cannot be created");
        }
        if (create != null) {
            new Info(sectorSize, create.sectors(), true); // validates before touching the disk
        }
        Set<OpenOption> open = new HashSet<>();
        open.add(StandardOpenOption.READ);
        if (!readOnly) {
            open.add(StandardOpenOption.WRITE);
        }
        if (create != null) {
            open.add(StandardOpenOption.CREATE_NEW);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, open);
        } catch (IOException | RuntimeException e) {
            throw new BlockException(Reason.IO, "cannot open " + path + ": " + e.getMessage(), e);
        }
        try {
            long bytes;
            if (create != null) {
                bytes = create.sectors() * sectorSize;
                setLength(path, channel, bytes);
            } else {
                bytes = channel.size();
            }
            return new FileBlock(channel, new Info(sectorSize, bytes / sectorSize, !readOnly), path);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
            throw new BlockException(Reason.IO, "cannot size " + path + ": " + e.getMessage(), e);
        }
    }

    /** Sets the file's length without writing data (ftruncate), so the file is sparse. */
    private static void setLength(Path path, FileChannel channel, long bytes) throws IOException {
        if (bytes == 0) {
            return;
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(bytes);
        } catch (UnsupportedOperationException notDefaultFileSystem) {
            channel.write(ByteBuffer.allocate(1), bytes - 1);
        }
    }

    @Override
    public Info info() {
        return info;
    }

    @Override
    public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        open();
        Checks.range(info, sectorOffset, Checks.sectors(info, buffers));
        Checks.intoWritable(buffers);
        long at = sectorOffset * info.sectorSize();
        try {
            for (int i = 0, n = buffers.size(); i < n; i++) {
                ByteBuffer b = buffers.get(i);
                while (b.hasRemaining()) {
                    int got = channel.read(b, at);
                    if (got < 0) {
                        throw new BlockException(Reason.IO, path + " is shorter than the device: it was truncated");
                    }
                    at += got;
                }
            }
        } catch (IOException e) {
            throw failed("read", e);
        }
    }

    @Override
    public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        open();
        Checks.writable(info);
        Checks.range(info, sectorOffset, Checks.sectors(info, buffers));
        long at = sectorOffset * info.sectorSize();
        try {
            for (int i = 0, n = buffers.size(); i < n; i++) {
                ByteBuffer b = buffers.get(i);
                while (b.hasRemaining()) {
                    at += channel.write(b, at);
                }
            }
        } catch (IOException e) {
            throw failed("write", e);
        }
    }

    @Override
    public void flush() throws BlockException {
        open();
        if (!info.readWrite()) {
            return;
        }
        try {
            channel.force(false);
        } catch (IOException e) {
            throw failed("flush", e);
        }
    }

    @Override
    public void discard(long sectorOffset, long sectors) throws BlockException {
        open();
        Checks.writable(info);
        Checks.range(info, sectorOffset, sectors);
    }

    private void open() throws BlockException {
        if (!channel.isOpen()) {
            throw Checks.disconnected();
        }
    }

    private BlockException failed(String op, IOException e) {
        if (e instanceof BlockException be) {
            return be;
        }
        if (e instanceof ClosedChannelException) {
            return new BlockException(Reason.DISCONNECTED, "the device was closed during a " + op, e);
        }
        return new BlockException(Reason.IO, op + " of " + path + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // close never throws; a failed close leaves nothing else to release
        }
    }
}
