package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mirage.core.Rng;
import mirage.net.internal.engine.ndp.RouterSolicitor.State;
import org.junit.jupiter.api.Test;

/** Scripted tests of router solicitation at start (RFC 4861 section 6.3.7), state then event. */
class RouterSolicitorTest {
    static final long S = 1_000_000_000L;

    int sent;
    final RouterSolicitor solicitor = new RouterSolicitor(new RouterSolicitor.Link() {
        @Override
        public void solicitRouters() {
            sent++;
        }
    }, Rng.seeded(11));

    @Test
    void idle_pollAndAdvertisement_doNothing() {
        assertEquals(NdpRouting.NEVER, solicitor.poll(100 * S));
        solicitor.routerAdvertisement();
        assertEquals(State.IDLE, solicitor.state());
        assertEquals(0, sent);
    }

    @Test
    void idle_start_delaysUpToOneSecond() {
        for (long seed = 0; seed < 50; seed++) {
            RouterSolicitor s = new RouterSolicitor(new RouterSolicitor.Link() {
                @Override
                public void solicitRouters() {
                }
            }, Rng.seeded(seed));
            long first = s.start(10 * S);
            assertTrue(first >= 10 * S && first <= 11 * S, "within MAX_RTR_SOLICITATION_DELAY: " + first);
            assertEquals(State.DELAYING, s.state());
        }
    }

    @Test
    void delaying_beforeDeadline_sendsNothing() {
        long first = solicitor.start(0);
        assertEquals(first, solicitor.poll(first - 1));
        assertEquals(0, sent);
    }

    @Test
    void delaying_deadline_sendsFirstSolicitation() {
        long first = solicitor.start(0);
        assertEquals(first + 4 * S, solicitor.poll(first), "RTR_SOLICITATION_INTERVAL");
        assertEquals(1, sent);
        assertEquals(State.SOLICITING, solicitor.state());
    }

    @Test
    void delaying_advertisement_endsWithoutSolicitation() {
        long first = solicitor.start(0);
        solicitor.routerAdvertisement();
        assertEquals(NdpRouting.NEVER, solicitor.poll(first));
        assertEquals(0, sent);
        assertEquals(State.DONE, solicitor.state());
    }

    @Test
    void soliciting_noAnswer_threeSolicitationsFourSecondsApartThenGivesUp() {
        long t = solicitor.start(0);
        t = solicitor.poll(t);
        t = solicitor.poll(t);
        long last = t;
        t = solicitor.poll(t);
        assertEquals(3, sent);
        assertEquals(last + S, t, "MAX_RTR_SOLICITATION_DELAY after the last");
        assertEquals(NdpRouting.NEVER, solicitor.poll(t));
        assertEquals(State.GAVE_UP, solicitor.state());
        assertEquals(3, sent, "MAX_RTR_SOLICITATIONS");
    }

    @Test
    void soliciting_advertisement_stops() {
        long t = solicitor.poll(solicitor.start(0));
        solicitor.routerAdvertisement();
        assertEquals(NdpRouting.NEVER, solicitor.poll(t));
        assertEquals(1, sent);
        assertEquals(State.DONE, solicitor.state());
    }

    @Test
    void done_start_solicitsAgain() {
        solicitor.poll(solicitor.start(0));
        solicitor.routerAdvertisement();
        long t = solicitor.start(100 * S);
        solicitor.poll(t);
        assertEquals(2, sent);
        assertEquals(1, solicitor.sent());
    }
}
