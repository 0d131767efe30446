package mirage.tls.internal.engine;

import mirage.tls.Handshake;

/** What the engine needs of its Bouncy Castle peer beyond BC's own interface. */
interface Peer {
    /** The wall-clock time certificate checks use during the next input, in ms since the epoch. */
    void now(long epochMillis);

    /** The handshake's outcome once complete, else null. */
    Handshake result();
}
