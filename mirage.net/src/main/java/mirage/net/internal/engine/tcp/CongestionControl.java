package mirage.net.internal.engine.tcp;

/**
 * A congestion controller of one connection: owns {@code cwnd} and {@code ssthresh} in bytes.
 * The engine calls it on acknowledgments, on entering loss recovery (fast retransmit) and on a
 * retransmission timeout; loss detection itself (duplicate ACKs, SACK) stays in the engine.
 */
public abstract sealed class CongestionControl permits CongestionControl.NewReno, CongestionControl.Cubic {

    /** Which controller a stack uses. */
    public enum Kind {
        /** RFC 5681 with the NewReno recovery of RFC 6582. */
        NEW_RENO,
        /** CUBIC, RFC 9438. */
        CUBIC
    }

    long cwnd;
    long ssthresh = Long.MAX_VALUE;
    /** Bytes acknowledged in congestion avoidance not yet turned into growth (RFC 5681 section 3.1, byte counting). */
    long acked;

    static CongestionControl of(Kind kind) {
        return kind == Kind.CUBIC ? new Cubic() : new NewReno();
    }

    /** The initial window (RFC 6928: min(10*MSS, max(2*MSS, 14600))). */
    void init(int mss) {
        cwnd = Math.min(10L * mss, Math.max(2L * mss, 14600));
    }

    /** New data acknowledged outside recovery. */
    abstract void onAck(long now, long ackedBytes, int mss, long srttNanos);

    /** Entering fast recovery with {@code flight} bytes outstanding; sets ssthresh and cwnd. */
    abstract void onCongestion(long now, long flight, int mss);

    /** A retransmission timeout (RFC 5681 section 3.1, equation (4), then cwnd = 1 MSS). */
    void onTimeout(long now, long flight, int mss) {
        onCongestion(now, flight, mss);
        cwnd = mss;
    }

    /** Slow start (RFC 5681 section 3.1, with RFC 3465's limit L = 1 MSS per ACK). */
    final long slowStart(long ackedBytes, int mss) {
        long grow = Math.min(ackedBytes, mss);
        cwnd += grow;
        return ackedBytes - grow;
    }

    /** RFC 5681 / RFC 6582. */
    static final class NewReno extends CongestionControl {
        @Override
        void onAck(long now, long ackedBytes, int mss, long srttNanos) {
            if (cwnd < ssthresh) {
                slowStart(ackedBytes, mss);
                return;
            }
            // Congestion avoidance: one MSS per cwnd of acknowledged bytes (RFC 5681 section 3.1).
            acked += ackedBytes;
            if (acked >= cwnd) {
                acked -= cwnd;
                cwnd += mss;
            }
        }

        @Override
        void onCongestion(long now, long flight, int mss) {
            // RFC 5681 equation (4): ssthresh = max(FlightSize / 2, 2*SMSS).
            ssthresh = Math.max(flight / 2, 2L * mss);
            cwnd = ssthresh;
            acked = 0;
        }
    }

    /** RFC 9438, in units of MSS as the RFC writes it, with its Reno-friendly region (section 4.3). */
    static final class Cubic extends CongestionControl {
        /** RFC 9438 section 5: C = 0.4. */
        static final double C = 0.4;
        /** RFC 9438 section 4.6: beta_cubic = 0.7. */
        static final double BETA = 0.7;
        /** RFC 9438 section 4.3: alpha_cubic = 3 (1 - beta) / (1 + beta). */
        static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

        private double wMax;
        private double k;
        private long epochStart = -1;
        private double wEst;

        @Override
        void onAck(long now, long ackedBytes, int mss, long srttNanos) {
            if (cwnd < ssthresh) {
                slowStart(ackedBytes, mss);
                return;
            }
            double cwndSeg = (double) cwnd / mss;
            if (epochStart < 0) {
                epochStart = now;
                if (wMax < cwndSeg) {
                    wMax = cwndSeg;
                    k = 0;
                } else {
                    k = Math.cbrt(wMax * (1 - BETA) / C);
                }
                wEst = cwndSeg;
            }
            double t = (now - epochStart + srttNanos) / 1e9;
            double target = C * Math.pow(t - k, 3) + wMax;
            // Clamp growth to 1.5x per RTT (RFC 9438 section 4.2).
            target = Math.min(target, 1.5 * cwndSeg);
            double seg = (double) ackedBytes / mss;
            wEst += ALPHA * seg / cwndSeg;
            double next = Math.max(target, wEst);
            if (next > cwndSeg) {
                cwnd += Math.max(1, (long) ((next - cwndSeg) / cwndSeg * ackedBytes));
            }
        }

        @Override
        void onCongestion(long now, long flight, int mss) {
            double cwndSeg = (double) cwnd / mss;
            // Fast convergence (RFC 9438 section 4.7).
            wMax = cwndSeg < wMax ? cwndSeg * (1 + BETA) / 2 : cwndSeg;
            ssthresh = Math.max((long) (cwnd * BETA), 2L * mss);
            cwnd = ssthresh;
            epochStart = -1;
            acked = 0;
        }
    }
}
