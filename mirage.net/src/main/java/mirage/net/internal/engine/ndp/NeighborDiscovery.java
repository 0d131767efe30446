package mirage.net.internal.engine.ndp;

import java.util.List;
import java.util.Objects;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerQuery;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerQueryV1;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerReport;
import mirage.net.internal.wire.Icmpv6Repr.NeighborAdvertisement;
import mirage.net.internal.wire.Icmpv6Repr.NeighborSolicitation;
import mirage.net.internal.wire.Icmpv6Repr.Redirect;
import mirage.net.internal.wire.Icmpv6Repr.RouterAdvertisement;
import mirage.net.internal.wire.NdpOption;

/**
 * A host's Neighbor Discovery on one link, the engines of this package wired together as RFC
 * 4861, 4862 and 3810 want them: the {@link NeighborCache}, {@link NdpRouting}, the
 * {@link RouterSolicitor}, {@link Slaac} and {@link Mld}. It takes valid ICMPv6 messages
 * ({@link #receive}), answers Neighbor Solicitations for our addresses, sends what is due
 * ({@link #poll}), and leaves every message through one {@link Link}. The engines stay reachable
 * for what is not a message: sending a packet ({@code cache().output} to
 * {@code routing().nextHop(...)}), choosing a source ({@code slaac().sourceAddress}), upper-layer
 * reachability confirmations ({@code cache().confirm}), joining groups for applications
 * ({@code mld().join}).
 *
 * <p>Message by message ({@link #receive}):
 * <ul>
 *   <li>Router Advertisement (unless {@code acceptRouterAdvertisements} is off, or it is from one
 *       of our addresses): {@link NdpRouting#routerAdvertisement} (router and prefix lists,
 *       parameters, the source's link-layer address to the cache), {@link Slaac#routerAdvertisement}
 *       (autonomous prefixes), {@link RouterSolicitor#routerAdvertisement} (stop soliciting).</li>
 *   <li>Neighbor Solicitation: {@link Slaac#neighborSolicitation} first (DAD); for a TENTATIVE
 *       target nothing else. Otherwise the Source Link-Layer Address is learned (section 7.2.3) and,
 *       for an assigned target, a Neighbor Advertisement goes back (section 7.2.4): Solicited and
 *       Override set, our MAC as the Target Link-Layer Address, to the source; to all-nodes with
 *       Solicited clear when the source is {@code ::}.</li>
 *   <li>Neighbor Advertisement: {@link Slaac#neighborAdvertisement} first; only one about
 *       another node's address goes on to {@link NeighborCache#advertisement}, and a router that
 *       became a host leaves the router list.</li>
 *   <li>Redirect: {@link NdpRouting#redirect}. MLD queries: {@link Mld}. Router Solicitations,
 *       MLD reports and every other message: ignored (a host "MUST silently discard" Router
 *       Solicitations, RFC 4861 section 6.2.6).</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by the event loop. The link is called from inside these methods and
 * must not call back.
 */
public final class NeighborDiscovery {

    /**
     * Everything Neighbor Discovery sends. The caller writes IPv6 headers: hop limit 255 for
     * Neighbor Discovery, 1 with a Router Alert option for MLD.
     */
    public interface Link extends NeighborLink {
        /**
         * Send a Router Solicitation to all-routers from {@code source}: our link-local address
         * (then with a Source Link-Layer Address option) or {@code ::} (then without).
         */
        void solicitRouters(Ipv6Address source);

        /** Send a Duplicate Address Detection probe from {@code ::} to its target's solicited-node group. */
        void sendDadProbe(NeighborSolicitation probe);

        /** Send an MLDv2 report to {@code ff02::16} from {@code source} (our link-local address or {@code ::}). */
        void sendReport(Ipv6Address source, MulticastListenerReport report);

        /** Send {@code advertisement} from its target (one of our addresses) to {@code destination}. */
        void advertise(Ipv6Address destination, NeighborAdvertisement advertisement);

        /** Duplicate Address Detection found {@code address} in use by another node: {@link Slaac.Link#duplicate}. Nothing by default. */
        default void duplicateAddress(long now, Ipv6Cidr address, boolean retrying) {
            // nobody listens
        }
    }

    private final Link link;
    private final MacAddress mac;
    private final boolean acceptRouterAdvertisements;
    private final NeighborCache cache;
    private final NdpRouting routing;
    private final RouterSolicitor solicitor;
    private final Slaac slaac;
    private final Mld mld;

    /**
     * The engines, idle until {@link #start}.
     *
     * @param maxGroups the most multicast groups {@link Mld} holds (two per address is ample)
     * @param acceptRouterAdvertisements false ignores Router Advertisements and sends no
     *     solicitations (a statically configured host, {@code --accept-router-advertisements=false})
     * @param rng for every random choice of every engine (forked per engine)
     */
    public NeighborDiscovery(NdpConfig ndp, RoutingConfig routing, SlaacConfig slaac, int maxGroups,
            boolean acceptRouterAdvertisements, Link link, Rng rng, long now) {
        this.link = Objects.requireNonNull(link, "link");
        this.mac = slaac.mac();
        this.acceptRouterAdvertisements = acceptRouterAdvertisements;
        this.cache = new NeighborCache(ndp, link, rng.fork(), now);
        this.routing = new NdpRouting(routing, cache);
        this.solicitor = new RouterSolicitor(new Solicit(), rng.fork());
        this.mld = new Mld(new Report(), rng.fork(), maxGroups);
        this.slaac = new Slaac(slaac, new Addressing(), rng.fork());
    }

    /**
     * The interface came up: the link-local address is formed and its Duplicate Address
     * Detection begins; router solicitation begins (when advertisements are accepted).
     *
     * @return the next deadline
     */
    public long start(long now) {
        slaac.start(now);
        if (acceptRouterAdvertisements) {
            solicitor.start(now);
        }
        return nextDeadline();
    }

    /**
     * A valid ICMPv6 message ({@code Icmpv6Repr.parse} applied RFC 4861's and RFC 3810's
     * validity rules) from {@code source} to {@code destination}, which the caller has accepted
     * as addressed to us (one of our addresses or a group we listen to): handled as the class
     * comment says.
     */
    public void receive(long now, Ipv6Address source, Ipv6Address destination, Icmpv6Repr message) {
        switch (message) {
            case RouterAdvertisement ra -> {
                if (acceptRouterAdvertisements && !slaac.isAssigned(source)) {
                    routing.routerAdvertisement(now, source, ra);
                    slaac.routerAdvertisement(now, ra);
                    solicitor.routerAdvertisement();
                }
            }
            case NeighborSolicitation ns -> solicitation(now, source, ns);
            case NeighborAdvertisement na -> {
                if (slaac.neighborAdvertisement(now, na) == Slaac.Ownership.NOT_OURS) {
                    MacAddress target = null;
                    for (NdpOption o : na.options()) {
                        if (o instanceof NdpOption.TargetLinkLayerAddress t) {
                            target = t.address();
                        }
                    }
                    if (cache.advertisement(now, na.target(), target, na.router(), na.solicited(), na.override())) {
                        routing.routerBecameHost(na.target());
                    }
                    routing.poll(now);
                }
            }
            case Redirect r -> routing.redirect(now, source, r);
            case MulticastListenerQuery q -> mld.query(now, q);
            case MulticastListenerQueryV1 q -> mld.queryV1(now, q);
            default -> {
                // Router Solicitations (a host discards them), reports, errors, echo: not ours.
            }
        }
    }

    /** Does what every engine has due at {@code now}; returns the earliest next deadline. */
    public long poll(long now) {
        cache.poll(now);
        routing.poll(now);
        solicitor.poll(now);
        slaac.poll(now);
        mld.poll(now);
        return nextDeadline();
    }

    /** The earliest deadline of the engines ({@link NdpRouting#NEVER} if none). */
    public long nextDeadline() {
        return Math.min(Math.min(cache.nextDeadline(), routing.nextDeadline()),
                Math.min(Math.min(solicitor.nextDeadline(), slaac.nextDeadline()), mld.nextDeadline()));
    }

    public NeighborCache cache() {
        return cache;
    }

    public NdpRouting routing() {
        return routing;
    }

    public RouterSolicitor solicitor() {
        return solicitor;
    }

    public Slaac slaac() {
        return slaac;
    }

    public Mld mld() {
        return mld;
    }

    // ---------------------------------------------------------------- inside

    private void solicitation(long now, Ipv6Address source, NeighborSolicitation ns) {
        Slaac.Ownership ours = slaac.neighborSolicitation(now, source, ns);
        if (ours == Slaac.Ownership.TENTATIVE) {
            return;
        }
        if (!source.isUnspecified()) {
            for (NdpOption o : ns.options()) {
                if (o instanceof NdpOption.SourceLinkLayerAddress s) {
                    cache.learn(now, source, s.address(), false);
                }
            }
        }
        if (ours == Slaac.Ownership.ASSIGNED) {
            boolean dad = source.isUnspecified();
            link.advertise(dad ? Icmpv6Repr.ALL_NODES : source, new NeighborAdvertisement(false, !dad, true,
                    ns.target(), List.of(new NdpOption.TargetLinkLayerAddress(mac))));
        }
    }

    /** Our link-local address when usable, else {@code ::}: the source of solicitations and reports. */
    private Ipv6Address linkLocalOrUnspecified() {
        Ipv6Address a = slaac.usableLinkLocal();
        return a == null ? Ipv6Address.UNSPECIFIED : a;
    }

    private final class Solicit implements RouterSolicitor.Link {
        @Override
        public void solicitRouters() {
            link.solicitRouters(linkLocalOrUnspecified());
        }
    }

    private final class Report implements Mld.Link {
        @Override
        public void sendReport(MulticastListenerReport report) {
            link.sendReport(linkLocalOrUnspecified(), report);
        }
    }

    private final class Addressing implements Slaac.Link {
        @Override
        public void sendDadProbe(NeighborSolicitation probe) {
            link.sendDadProbe(probe);
        }

        @Override
        public void joinGroup(long now, Ipv6Address group) {
            mld.join(now, group);
        }

        @Override
        public void leaveGroup(long now, Ipv6Address group) {
            mld.leave(now, group);
        }

        @Override
        public void duplicate(long now, Ipv6Cidr address, boolean retrying) {
            link.duplicateAddress(now, address, retrying);
        }
    }
}
