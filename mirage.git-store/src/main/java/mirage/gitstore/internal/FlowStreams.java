package mirage.gitstore.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import mirage.core.Flow;
import mirage.core.FlowException;

/** Blocking streams over a {@link Flow}, for JGit's transport code. */
final class FlowStreams {
    private FlowStreams() {}

    static InputStream in(Flow flow) {
        return new InputStream() {
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                try {
                    int n = flow.read(ByteBuffer.wrap(b, off, len));
                    return n == Flow.EOF ? -1 : n;
                } catch (FlowException e) {
                    throw new IOException("the connection failed: " + e.getMessage(), e);
                }
            }
        };
    }

    static OutputStream out(Flow flow) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    flow.write(ByteBuffer.wrap(b, off, len));
                } catch (FlowException e) {
                    throw new IOException("the connection failed: " + e.getMessage(), e);
                }
            }
        };
    }
}
