package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The send and receive rings start empty and grow on demand, keeping their bytes in order. */
class RingGrowthTest {

    @Test
    void grown_fromNothing_startsAtTheMinimum_andDoublesToTheCap() {
        byte[] r = TcpConnection.grown(TcpConnection.NO_BYTES, 0, 1, 128 * 1024);
        assertEquals(TcpConnection.MIN_RING, r.length);
        assertEquals(16384, TcpConnection.grown(r, 0, 9000, 128 * 1024).length);
        assertEquals(100_000, TcpConnection.grown(r, 0, 99_000, 100_000).length, "never past the cap");
        assertSame(r, TcpConnection.grown(r, 5, 4096, 128 * 1024), "large enough: the same ring");
    }

    @Test
    void grown_wrappedRing_isLinearizedFromItsHead() {
        byte[] ring = {5, 6, 7, 1, 2, 3, 4, 0}; // head at 3: the ring is read from there round to index 2
        byte[] g = TcpConnection.grown(ring, 3, 9, 1 << 20);
        assertEquals(TcpConnection.MIN_RING, g.length);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 0, 5, 6, 7}, java.util.Arrays.copyOf(g, 8));
    }
}
