package mirage.link.internal;

import java.io.PrintStream;

/** Numbered progress lines on standard error, for the steps that take time. */
public final class Progress {
    private final PrintStream out;
    private final boolean quiet;
    private int step;

    public Progress(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    /** A line under the current step, indented. */
    public void detail(String what) {
        if (!quiet) {
            out.println("mirage:     " + what);
            out.flush();
        }
    }

    public void step(String what) {
        step++;
        if (!quiet) {
            out.println("mirage: [" + step + "] " + what);
            out.flush();
        }
    }
}
