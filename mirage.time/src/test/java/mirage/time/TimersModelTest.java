package mirage.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;

/**
 * Model-based test: random programs of newTimer/arm/re-arm/cancel/expire run against
 * {@link Timers} and against a deliberately simple reference (a list scanned for its minimum),
 * comparing every return value, the exact order in which actions run, and size, nextDeadline,
 * armed and deadline of every timer after every step. Timer actions themselves re-arm, arm,
 * cancel and probe, so the rules for changes made during {@code expire} are checked too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // a structure that never ends an expire call fails, not hangs
class TimersModelTest {

    enum Op { NEW, ARM, CANCEL, EXPIRE }

    enum Reaction { NONE, REARM_SELF, CANCEL_OTHER, ARM_OTHER, PROBE }

    /** One step. {@code a} picks a timer or a reaction; {@code b} a target; {@code c} a time. */
    record Cmd(Op op, int a, int b, int c) {}

    /** What both sides can do, by timer number. */
    interface Side {
        void newTimer(Reaction reaction, int target, long delta);

        boolean arm(int id, long deadline);

        boolean cancel(int id);

        int expire(long now);

        int size();

        long nextDeadline();

        boolean armed(int id);

        long deadline(int id);

        int count();

        List<Long> log();
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    /** The reaction of timer {@code id}'s action, on whichever side runs it. */
    static void react(Side side, int id, Reaction reaction, int target, long delta, long now) {
        side.log().add((long) id);
        int n = side.count();
        switch (reaction) {
            case NONE -> {}
            case REARM_SELF -> side.arm(id, saturatingAdd(now, delta));
            case CANCEL_OTHER -> side.log().add(side.cancel(target % n) ? 1L : 0L);
            case ARM_OTHER -> side.log().add(side.arm(target % n, saturatingAdd(now, delta)) ? 1L : 0L);
            case PROBE -> {
                side.log().add(side.nextDeadline());
                side.log().add((long) side.size());
            }
        }
    }

    static final class Real implements Side {
        final Timers timers = Timers.create(1);
        final List<Timers.Timer> handles = new ArrayList<>();
        final List<Long> log = new ArrayList<>();
        long now;

        @Override
        public void newTimer(Reaction reaction, int target, long delta) {
            int id = handles.size();
            handles.add(timers.newTimer(() -> react(this, id, reaction, target, delta, now)));
        }

        @Override
        public boolean arm(int id, long deadline) {
            return handles.get(id).arm(deadline);
        }

        @Override
        public boolean cancel(int id) {
            return handles.get(id).cancel();
        }

        @Override
        public int expire(long now) {
            this.now = now;
            return timers.expire(now);
        }

        @Override
        public int size() {
            return timers.size();
        }

        @Override
        public long nextDeadline() {
            return timers.nextDeadline();
        }

        @Override
        public boolean armed(int id) {
            return handles.get(id).armed();
        }

        @Override
        public long deadline(int id) {
            return handles.get(id).deadline();
        }

        @Override
        public int count() {
            return handles.size();
        }

        @Override
        public List<Long> log() {
            return log;
        }
    }

    /** The reference: every timer in a list; the next to run is found by a full scan. */
    static final class Model implements Side {
        static final class T {
            final Reaction reaction;
            final int target;
            final long delta;
            boolean armed;
            long deadline = Long.MAX_VALUE;
            long seq;

            T(Reaction reaction, int target, long delta) {
                this.reaction = reaction;
                this.target = target;
                this.delta = delta;
            }
        }

        final List<T> timers = new ArrayList<>();
        final List<Long> log = new ArrayList<>();
        long nextSeq;

        @Override
        public void newTimer(Reaction reaction, int target, long delta) {
            timers.add(new T(reaction, target, delta));
        }

        @Override
        public boolean arm(int id, long deadline) {
            T t = timers.get(id);
            boolean was = t.armed;
            t.armed = true;
            t.deadline = deadline;
            t.seq = nextSeq++;
            return was;
        }

        @Override
        public boolean cancel(int id) {
            T t = timers.get(id);
            boolean was = t.armed;
            t.armed = false;
            return was;
        }

        @Override
        public int expire(long now) {
            long limit = nextSeq;
            int ran = 0;
            while (true) {
                int best = -1;
                for (int i = 0; i < timers.size(); i++) {
                    T t = timers.get(i);
                    if (t.armed && t.deadline <= now && t.seq < limit) {
                        if (best < 0 || t.deadline < timers.get(best).deadline
                                || (t.deadline == timers.get(best).deadline && t.seq < timers.get(best).seq)) {
                            best = i;
                        }
                    }
                }
                if (best < 0) {
                    return ran;
                }
                T t = timers.get(best);
                t.armed = false;
                ran++;
                react(this, best, t.reaction, t.target, t.delta, now);
            }
        }

        @Override
        public int size() {
            return (int) timers.stream().filter(t -> t.armed).count();
        }

        @Override
        public long nextDeadline() {
            return timers.stream().filter(t -> t.armed).mapToLong(t -> t.deadline).min().orElse(Long.MAX_VALUE);
        }

        @Override
        public boolean armed(int id) {
            return timers.get(id).armed;
        }

        @Override
        public long deadline(int id) {
            return timers.get(id).deadline;
        }

        @Override
        public int count() {
            return timers.size();
        }

        @Override
        public List<Long> log() {
            return log;
        }
    }

    /** Times mostly in a narrow band (many ties), sometimes at the extremes. */
    static long time(int c) {
        return switch (Math.floorMod(c, 16)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            case 2 -> Long.MAX_VALUE - 1;
            default -> Math.floorMod(c >> 4, 40);
        };
    }

    static Gen<Cmd> commands() {
        Gen<Op> ops = integers().between(0, 9).map(i -> i == 0 ? Op.NEW : i <= 4 ? Op.ARM : i <= 6 ? Op.CANCEL : Op.EXPIRE);
        return ops.zip(integers().between(0, 1 << 20), integers().between(0, 1 << 20),
                (op, a, b) -> new Cmd(op, a, b, a ^ (b >> 3)));
    }

    static void run(List<Cmd> program) {
        Real real = new Real();
        Model model = new Model();
        for (Side s : List.of(real, model)) {
            s.newTimer(Reaction.NONE, 0, 0); // there is always a timer to pick
        }
        int step = 0;
        for (Cmd cmd : program) {
            String where = "step " + step++ + " " + cmd;
            switch (cmd.op()) {
                case NEW -> {
                    Reaction r = Reaction.values()[cmd.a() % Reaction.values().length];
                    long delta = Math.floorMod(cmd.c(), 14) - 3; // -3..10: some re-armings are due at once
                    real.newTimer(r, cmd.b(), delta);
                    model.newTimer(r, cmd.b(), delta);
                }
                case ARM -> {
                    int id = cmd.a() % model.count();
                    long d = time(cmd.c());
                    assertEquals(model.arm(id, d), real.arm(id, d), where);
                }
                case CANCEL -> {
                    int id = cmd.a() % model.count();
                    assertEquals(model.cancel(id), real.cancel(id), where);
                }
                case EXPIRE -> {
                    long now = time(cmd.b());
                    assertEquals(model.expire(now), real.expire(now), where);
                }
            }
            assertEquals(model.log(), real.log(), where + ": actions run and what they saw");
            assertEquals(model.size(), real.size(), where + ": size");
            assertEquals(model.nextDeadline(), real.nextDeadline(), where + ": nextDeadline");
            for (int id = 0; id < model.count(); id++) {
                assertEquals(model.armed(id), real.armed(id), where + ": armed " + id);
                assertEquals(model.deadline(id), real.deadline(id), where + ": deadline " + id);
            }
        }
    }

    @Test
    void behavesLikeTheReferenceModel() {
        qt().withExamples(1500).forAll(lists().of(commands()).ofSizeBetween(0, 150)).checkAssert(TimersModelTest::run);
    }

    @Test
    void behavesLikeTheReferenceModelOnLongPrograms() {
        qt().withExamples(20).forAll(lists().of(commands()).ofSizeBetween(500, 1500)).checkAssert(TimersModelTest::run);
    }
}
