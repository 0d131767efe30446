/**
 * IPv6 Neighbor Discovery (RFC 4861), address autoconfiguration (RFC 4862) and the host side of
 * MLDv2 (RFC 3810) as sans-IO engines. Time comes in as a parameter and leaves as a deadline;
 * randomness comes from an {@link mirage.core.Rng}; what is sent leaves through each engine's
 * small link interface. The engines:
 * <ul>
 *   <li>{@link mirage.net.internal.engine.ndp.NeighborCache}: the neighbour cache with the
 *       reachability state machine of section 7.3 (address resolution, unreachability detection);</li>
 *   <li>{@link mirage.net.internal.engine.ndp.NdpRouting}: the prefix list, default router list
 *       and destination cache, next-hop determination and redirects (sections 5.2, 6.3, 8.3);</li>
 *   <li>{@link mirage.net.internal.engine.ndp.RouterSolicitor}: router solicitation at start (6.3.7);</li>
 *   <li>{@link mirage.net.internal.engine.ndp.Slaac}: SLAAC with duplicate address detection
 *       (RFC 4862, RFC 7527) and RFC 7217 interface identifiers;</li>
 *   <li>{@link mirage.net.internal.engine.ndp.Mld}: MLDv2 reports for the groups we join;</li>
 *   <li>{@link mirage.net.internal.engine.ndp.NeighborDiscovery}: all of them wired together behind
 *       one link, as a host uses them (docs/decisions/0063 and 0067).</li>
 * </ul>
 */
package mirage.net.internal.engine.ndp;
