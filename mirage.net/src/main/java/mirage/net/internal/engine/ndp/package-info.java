/**
 * IPv6 Neighbor Discovery (RFC 4861) as sans-IO engines: {@link
 * mirage.net.internal.engine.ndp.NeighborCache}, the neighbour cache with the reachability state
 * machine of section 7.3 (address resolution and neighbour unreachability detection). Time comes
 * in as a parameter and leaves as a deadline; what is sent leaves through a
 * {@link mirage.net.internal.engine.ndp.NeighborLink}. Router and prefix lists, redirects,
 * SLAAC and DAD (RFC 4862) and MLD come next (docs/decisions/0063).
 */
package mirage.net.internal.engine.ndp;
