package mirage.net.internal.engine.ndp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.internal.wire.Icmpv6Repr.Redirect;
import mirage.net.internal.wire.Icmpv6Repr.RouterAdvertisement;
import mirage.net.internal.wire.Icmpv6Repr.RouterPreference;
import mirage.net.internal.wire.NdpOption;

/**
 * The host's routing side of Neighbor Discovery as a sans-IO engine: the Prefix List, Default
 * Router List and Destination Cache of RFC 4861 section 5.1, Router Advertisement processing
 * (section 6.3.4), default router selection (section 6.3.6 with the preferences of RFC 4191
 * section 3.2), next-hop determination (section 5.2) and Redirect processing (section 8.3). Time
 * is each call's {@code now} (nanoseconds, never decreasing); lifetimes run out in {@link #poll}.
 *
 * <h2>Working with the neighbour cache</h2>
 * The engine holds the link's {@link NeighborCache}: a Router Advertisement's Source Link-Layer
 * Address and a Redirect's Target Link-Layer Address go to it ({@link NeighborCache#learn}, so the
 * caller must not pass them again), its timers to {@link NeighborCache#setBaseReachableTime} and
 * {@link NeighborCache#setRetransTimer}, and default router selection reads its states: a router
 * whose entry is in any state but INCOMPLETE is "reachable or probably reachable" and preferred
 * (section 6.3.6). The cache's states change inside its own calls, so the caller runs
 * {@link #poll} after {@link NeighborCache#poll} and after {@link NeighborCache#advertisement}; when
 * that returns true (a router became a host) the caller calls {@link #routerBecameHost}.
 *
 * <h2>Next hop</h2>
 * {@link #nextHop} answers from the Destination Cache in O(1) and without allocation once a
 * destination is known: a redirected destination goes to its Redirect's target, an on-link one to
 * itself, any other to the currently selected default router (re-selected by {@link #poll} and by
 * every change of the router list, never per packet).
 *
 * <h2>Resources</h2>
 * At most {@link RoutingConfig#maxRouters()} routers and {@link RoutingConfig#maxPrefixes()}
 * prefixes: advertisements of new ones beyond are ignored and counted ({@link #routersRefused},
 * {@link #prefixesRefused}); at most {@link RoutingConfig#maxDestinations()} destinations, the
 * least recently used evicted.
 *
 * <p>Not thread-safe: owned by the event loop, like every engine.
 */
public final class NdpRouting {

    /** Nanoseconds in a second. */
    static final long SECOND = 1_000_000_000L;
    /** Nanoseconds in a millisecond. */
    static final long MILLISECOND = 1_000_000L;
    /** "Never": an infinite lifetime, no deadline. */
    public static final long NEVER = Long.MAX_VALUE;
    /** {@code fe80::/10}: a link-local prefix in a Prefix Information option is ignored (section 6.3.4). */
    private static final Ipv6Cidr LINK_LOCAL = new Ipv6Cidr(new Ipv6Address(0xfe80_0000_0000_0000L, 0), 10);

    /** An entry of the Default Router List; {@code invalidationTime} is {@link #NEVER} for a configured router. */
    public record DefaultRouter(Ipv6Address address, RouterPreference preference, long invalidationTime) {
    }

    /** An entry of the Prefix List: an on-link prefix until {@code invalidationTime} ({@link #NEVER} for infinity). */
    public record OnLinkPrefix(Ipv6Cidr prefix, long invalidationTime) {
    }

    /** What {@link #redirect} did. */
    public enum RedirectOutcome {
        /** The destination now goes to the Redirect's target. */
        ACCEPTED,
        /** The Redirect's source is not the current first-hop router for its destination (section 8.1): ignored. */
        NOT_FROM_FIRST_HOP
    }

    private static final class Router {
        final Ipv6Address address;
        RouterPreference preference;
        long invalidationTime;

        Router(Ipv6Address address) {
            this.address = address;
        }
    }

    private static final class Destination {
        /** The Redirect's target; null when the next hop is the destination itself or the default router. */
        Ipv6Address redirectedTo;
        boolean onLink;
        /** Set by a Redirect: kept when the prefix list changes. */
        boolean redirected;
    }

    private final RoutingConfig config;
    private final NeighborCache cache;
    private final ArrayList<Router> routers = new ArrayList<>();
    private final ArrayList<OnLinkPrefix> prefixes = new ArrayList<>();
    private final LinkedHashMap<Ipv6Address, Destination> destinations;
    /**
     * The key and entry of the last lookup or insertion in {@link #destinations}, null after any
     * removal: as every access goes through {@link #destination}, it is the access order's most
     * recent entry, so a repeated lookup of it skips the map without changing that order
     * (decision 0078).
     */
    private Ipv6Address lastKey;
    private Destination lastEntry;
    private Router selected;
    /** The selected router had a cache entry when last looked at: its disappearance means it failed. */
    private boolean selectedResolving;
    private int curHopLimit;
    private int linkMtu;
    private long baseReachableTimeMillis;
    private long nextDeadline = NEVER;

    private long advertisementsProcessed;
    private long routersRefused;
    private long prefixesRefused;
    private long redirectsAccepted;
    private long redirectsRefused;
    private long routersExpired;

    /**
     * Empty lists, CurHopLimit and LinkMTU from {@code config}.
     *
     * @param cache the link's neighbour cache, which this engine updates and reads
     */
    public NdpRouting(RoutingConfig config, NeighborCache cache) {
        this.config = Objects.requireNonNull(config, "config");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.destinations = new LinkedHashMap<>(16, 0.75f, true);
        this.curHopLimit = config.defaultHopLimit();
        this.linkMtu = config.maxLinkMtu();
    }

    // ---------------------------------------------------------------- inputs

    /**
     * A valid Router Advertisement from {@code source} (the wire layer's {@code Icmpv6Repr.parse}
     * checked section 6.1.2; the caller checked it is not ours), processed as section 6.3.4 says:
     * the router's lifetime (0 removes it; a new router is added if there is room), its
     * preference, CurHopLimit, BaseReachableTime and RetransTimer when non-zero (the cache gets
     * the latter two; ReachableTime is drawn again only when BaseReachableTime changes), the
     * Source Link-Layer Address (to the cache, IsRouter set), the MTU option (between 1280 and
     * {@link RoutingConfig#maxLinkMtu()}), and each Prefix Information option with the L flag
     * (not link-local: valid lifetime 0 removes it, else it is added or its lifetime reset).
     * Autonomous configuration (the A flag) is {@link Slaac}'s.
     */
    public void routerAdvertisement(long now, Ipv6Address source, RouterAdvertisement ra) {
        advertisementsProcessed++;
        Router r = find(source);
        if (ra.routerLifetime() == 0) {
            if (r != null) {
                remove(r);
            }
        } else {
            if (r == null && routers.size() < config.maxRouters()) {
                r = new Router(source);
                routers.add(r);
            } else if (r == null) {
                routersRefused++;
            }
            if (r != null) {
                r.preference = ra.preference();
                r.invalidationTime = after(now, ra.routerLifetime() * SECOND);
                deadline(r.invalidationTime);
            }
        }
        if (ra.currentHopLimit() != 0) {
            curHopLimit = ra.currentHopLimit();
        }
        if (ra.reachableTime() != 0 && ra.reachableTime() != baseReachableTimeMillis) {
            baseReachableTimeMillis = ra.reachableTime();
            cache.setBaseReachableTime(now, ra.reachableTime() * MILLISECOND);
        }
        if (ra.retransTimer() != 0) {
            cache.setRetransTimer(ra.retransTimer() * MILLISECOND);
        }
        boolean linkLayer = false;
        for (NdpOption o : ra.options()) {
            switch (o) {
                case NdpOption.SourceLinkLayerAddress s -> {
                    cache.learn(now, source, s.address(), true);
                    linkLayer = true;
                }
                case NdpOption.Mtu m -> {
                    if (m.mtu() >= RoutingConfig.MIN_LINK_MTU && m.mtu() <= config.maxLinkMtu()) {
                        linkMtu = (int) m.mtu();
                    }
                }
                case NdpOption.PrefixInformation p -> {
                    if (p.onLink()) {
                        onLinkPrefix(now, new Ipv6Cidr(p.prefix(), p.prefixLength()), p.validLifetime());
                    }
                }
                default -> {
                    // Others (RDNSS, unknown) are not routing's: "silently ignore" (section 4.6).
                }
            }
        }
        if (!linkLayer) {
            cache.routerSeen(source);
        }
        reselect();
    }

    /**
     * A router configured rather than advertised (a {@code --ipv6-gateway=}), for {@code lifetime}
     * nanoseconds ({@link #NEVER}: for good). Counts against {@link RoutingConfig#maxRouters()}.
     *
     * @return false if the list is full (counted)
     */
    public boolean addRouter(long now, Ipv6Address address, RouterPreference preference, long lifetime) {
        Router r = find(address);
        if (r == null) {
            if (routers.size() >= config.maxRouters()) {
                routersRefused++;
                return false;
            }
            r = new Router(address);
            routers.add(r);
        }
        r.preference = Objects.requireNonNull(preference, "preference");
        r.invalidationTime = after(now, lifetime);
        deadline(r.invalidationTime);
        reselect();
        return true;
    }

    /**
     * An on-link prefix configured rather than advertised (the prefix of a {@code --ipv6=CIDR}),
     * for {@code lifetime} nanoseconds ({@link #NEVER}: for good).
     *
     * @return false if the list is full (counted)
     */
    public boolean addOnLinkPrefix(long now, Ipv6Cidr prefix, long lifetime) {
        return putPrefix(now, new Ipv6Cidr(prefix.network(), prefix.prefixLength()), after(now, lifetime));
    }

    /**
     * A Neighbor Advertisement turned {@code address} from a router into a host
     * ({@link NeighborCache#advertisement} returned true): it leaves the Default Router List and
     * destinations redirected to it are determined again (section 7.2.5).
     */
    public void routerBecameHost(Ipv6Address address) {
        Router r = find(address);
        if (r != null) {
            remove(r);
        }
        forgetRedirectsTo(address);
        reselect();
    }

    /**
     * Neighbour unreachability detection gave up on {@code address} (or the caller otherwise
     * knows it is gone): destinations redirected to it are determined again and the default
     * router is selected again (section 7.3.3).
     */
    public void neighborUnreachable(Ipv6Address address) {
        forgetRedirectsTo(address);
        reselect();
    }

    /**
     * A valid Redirect from {@code source} (the wire layer checked section 8.1's format rules):
     * accepted only if {@code source} is the current first hop for its destination (section
     * 8.1), after which the destination goes to the target (section 8.3); a target equal to the
     * destination means the destination is on-link. The Target Link-Layer Address goes to the
     * cache (STALE, IsRouter set when the target is a router); the Default Router List is
     * untouched.
     */
    public RedirectOutcome redirect(long now, Ipv6Address source, Redirect redirect) {
        Ipv6Address destination = redirect.destination();
        if (!source.equals(nextHop(now, destination))) {
            redirectsRefused++;
            return RedirectOutcome.NOT_FROM_FIRST_HOP;
        }
        Destination d = destination(destination);
        if (d == null) {
            // A link-local destination (always on-link, no entry): a Redirect from itself changes nothing.
            redirectsRefused++;
            return RedirectOutcome.NOT_FROM_FIRST_HOP;
        }
        Ipv6Address target = redirect.target();
        boolean toRouter = !target.equals(destination);
        d.redirected = true;
        if (toRouter) {
            d.redirectedTo = target;
            d.onLink = false;
        } else {
            d.redirectedTo = null;
            d.onLink = true;
        }
        boolean linkLayer = false;
        for (NdpOption o : redirect.options()) {
            if (o instanceof NdpOption.TargetLinkLayerAddress t) {
                cache.learn(now, target, t.address(), toRouter);
                linkLayer = true;
            }
        }
        if (!linkLayer && toRouter) {
            cache.routerSeen(target);
        }
        redirectsAccepted++;
        return RedirectOutcome.ACCEPTED;
    }

    /**
     * Expires routers and prefixes whose lifetimes ran out, selects the default router again
     * from the cache's states, and returns the next deadline ({@link #NEVER} if none).
     */
    public long poll(long now) {
        long next = NEVER;
        for (int i = routers.size() - 1; i >= 0; i--) {
            Router r = routers.get(i);
            if (r.invalidationTime <= now) {
                routersExpired++;
                remove(r);
            } else {
                next = Math.min(next, r.invalidationTime);
            }
        }
        boolean prefixGone = false;
        for (int i = prefixes.size() - 1; i >= 0; i--) {
            OnLinkPrefix p = prefixes.get(i);
            if (p.invalidationTime() <= now) {
                prefixes.remove(i);
                prefixGone = true;
            } else {
                next = Math.min(next, p.invalidationTime());
            }
        }
        if (prefixGone) {
            forgetOnLinkDeterminations();
        }
        reselect();
        nextDeadline = next;
        return next;
    }

    /** The deadline {@link #poll} last returned, brought forward by inputs since. */
    public long nextDeadline() {
        return nextDeadline;
    }

    // ---------------------------------------------------------------- queries

    /**
     * The next hop for {@code destination} (section 5.2): the destination itself when it is
     * multicast, link-local or covered by an on-link prefix (the caller maps a multicast one to
     * its Ethernet group address without resolution); the Redirect's target for a redirected
     * destination; else the selected default router; null when there is none (the caller sends
     * Destination Unreachable, code 0, "no route to destination"). A new destination takes an
     * entry of the Destination Cache; a known one allocates nothing.
     */
    public Ipv6Address nextHop(long now, Ipv6Address destination) {
        if (destination.isMulticast() || destination.isLinkLocal()) {
            return destination;
        }
        Destination d = destination(destination);
        if (d == null) {
            d = new Destination();
            d.onLink = onLink(destination);
            if (destinations.size() >= config.maxDestinations()) {
                Iterator<Destination> eldest = destinations.values().iterator();
                eldest.next();
                eldest.remove();
                lastKey = null;
                lastEntry = null;
            }
            destinations.put(destination, d);
            lastKey = destination;
            lastEntry = d;
        }
        if (d.onLink) {
            return destination;
        }
        if (d.redirectedTo != null) {
            return d.redirectedTo;
        }
        return selected == null ? null : selected.address;
    }

    /** Whether {@code address} is covered by a prefix of the Prefix List (or is link-local). */
    public boolean isOnLink(Ipv6Address address) {
        return address.isLinkLocal() || onLink(address);
    }

    /** The selected default router, null if the list is empty. */
    public Ipv6Address defaultRouter() {
        return selected == null ? null : selected.address;
    }

    /** The Default Router List, in the order routers were first heard. */
    public List<DefaultRouter> routers() {
        List<DefaultRouter> out = new ArrayList<>(routers.size());
        for (Router r : routers) {
            out.add(new DefaultRouter(r.address, r.preference, r.invalidationTime));
        }
        return out;
    }

    /** The Prefix List. */
    public List<OnLinkPrefix> prefixes() {
        return List.copyOf(prefixes);
    }

    /** CurHopLimit: the hop limit of packets this host originates. */
    public int curHopLimit() {
        return curHopLimit;
    }

    /** LinkMTU: the largest packet to send on the link. */
    public int linkMtu() {
        return linkMtu;
    }

    /** Entries of the Destination Cache. */
    public int destinationCount() {
        return destinations.size();
    }

    public long advertisementsProcessed() {
        return advertisementsProcessed;
    }

    /** Advertisements of a new router ignored because the list was full. */
    public long routersRefused() {
        return routersRefused;
    }

    /** New on-link prefixes ignored because the list was full. */
    public long prefixesRefused() {
        return prefixesRefused;
    }

    public long redirectsAccepted() {
        return redirectsAccepted;
    }

    /** Redirects not from the current first hop. */
    public long redirectsRefused() {
        return redirectsRefused;
    }

    /** Routers whose lifetime ran out. */
    public long routersExpired() {
        return routersExpired;
    }

    // ---------------------------------------------------------------- inside

    private void onLinkPrefix(long now, Ipv6Cidr prefix, long validLifetime) {
        Ipv6Cidr network = new Ipv6Cidr(prefix.network(), prefix.prefixLength());
        if (LINK_LOCAL.contains(network.address()) && network.prefixLength() >= LINK_LOCAL.prefixLength()) {
            return;
        }
        if (validLifetime == 0) {
            for (int i = 0; i < prefixes.size(); i++) {
                if (prefixes.get(i).prefix().equals(network)) {
                    prefixes.remove(i);
                    forgetOnLinkDeterminations();
                    return;
                }
            }
            return;
        }
        long lifetime = validLifetime == NdpOption.PrefixInformation.INFINITE ? NEVER : validLifetime * SECOND;
        putPrefix(now, network, after(now, lifetime));
    }

    private boolean putPrefix(long now, Ipv6Cidr network, long invalidationTime) {
        for (int i = 0; i < prefixes.size(); i++) {
            if (prefixes.get(i).prefix().equals(network)) {
                prefixes.set(i, new OnLinkPrefix(network, invalidationTime));
                deadline(invalidationTime);
                return true;
            }
        }
        if (prefixes.size() >= config.maxPrefixes()) {
            prefixesRefused++;
            return false;
        }
        prefixes.add(new OnLinkPrefix(network, invalidationTime));
        deadline(invalidationTime);
        forgetOnLinkDeterminations();
        return true;
    }

    private boolean onLink(Ipv6Address address) {
        for (int i = 0; i < prefixes.size(); i++) {
            if (prefixes.get(i).prefix().contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The Destination Cache's entry for {@code address}, null if none: through {@link #lastKey} when it is the last one. */
    private Destination destination(Ipv6Address address) {
        Ipv6Address k = lastKey;
        if (k != null && k.low() == address.low() && k.high() == address.high()) {
            return lastEntry;
        }
        Destination d = destinations.get(address);
        if (d != null) {
            lastKey = address;
            lastEntry = d;
        }
        return d;
    }

    /** The Prefix List changed: destinations not redirected are determined again on their next use. */
    private void forgetOnLinkDeterminations() {
        lastKey = null;
        lastEntry = null;
        Iterator<Destination> it = destinations.values().iterator();
        while (it.hasNext()) {
            if (!it.next().redirected) {
                it.remove();
            }
        }
    }

    private void forgetRedirectsTo(Ipv6Address address) {
        lastKey = null;
        lastEntry = null;
        Iterator<Map.Entry<Ipv6Address, Destination>> it = destinations.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Ipv6Address, Destination> e = it.next();
            Destination d = e.getValue();
            if (address.equals(d.redirectedTo) || d.onLink && address.equals(e.getKey()) && !onLink(address)) {
                it.remove();
            }
        }
    }

    private Router find(Ipv6Address address) {
        for (int i = 0; i < routers.size(); i++) {
            if (routers.get(i).address.equals(address)) {
                return routers.get(i);
            }
        }
        return null;
    }

    private void remove(Router r) {
        routers.remove(r);
        if (selected == r) {
            selected = null;
        }
    }

    /**
     * Section 6.3.6 with RFC 4191: among routers whose cache entry exists and is not INCOMPLETE,
     * the highest preference, the current one kept on a tie; if none is, the current one until
     * its cache entry, once made, is deleted (resolution or unreachability detection failed), then
     * the next one in turn (round robin).
     */
    private void reselect() {
        Router best = null;
        for (int i = 0; i < routers.size(); i++) {
            Router r = routers.get(i);
            if (probablyReachable(r) && (best == null || rank(r) > rank(best) || rank(r) == rank(best) && r == selected)) {
                best = r;
            }
        }
        if (best != null) {
            selected = best;
            selectedResolving = true;
            return;
        }
        if (routers.isEmpty()) {
            selected = null;
            return;
        }
        if (selected != null && routers.contains(selected)) {
            boolean inCache = cache.state(selected.address).isPresent();
            if (inCache || !selectedResolving) {
                // Being resolved (INCOMPLETE), or not yet used: keep it.
                selectedResolving = inCache;
                return;
            }
        }
        // Resolution or unreachability detection of the selected router failed (its entry is gone).
        int at = selected == null ? -1 : routers.indexOf(selected);
        selected = routers.get((at + 1) % routers.size());
        selectedResolving = false;
    }

    private boolean probablyReachable(Router r) {
        Optional<NeighborCache.State> s = cache.state(r.address);
        return s.isPresent() && s.get() != NeighborCache.State.INCOMPLETE;
    }

    /** High 2, medium 1, low 0. */
    private static int rank(Router r) {
        return switch (r.preference) {
            case HIGH -> 2;
            case MEDIUM -> 1;
            case LOW -> 0;
        };
    }

    private void deadline(long at) {
        if (at < nextDeadline) {
            nextDeadline = at;
        }
    }

    /** {@code now + span}, saturating at {@link #NEVER}. */
    static long after(long now, long span) {
        if (span == NEVER || span > NEVER - now) {
            return NEVER;
        }
        return now + span;
    }
}
