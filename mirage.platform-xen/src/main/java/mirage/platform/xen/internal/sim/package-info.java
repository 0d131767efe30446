/**
 * The simulated hypervisor: several domains in one process behind the hypervisor SPI
 * ({@link mirage.platform.xen.internal.hypervisor.Hypervisor}). Pages are native memory
 * segments shared for real: a domain that maps another's grant gets the granter's segment
 * itself. Grant tables are version-1 tables in each domain's own table frames, checked on
 * every map and copy as Xen checks them; event channels are the 2-level ABI in each domain's
 * {@code shared_info} page. Nothing here knows a PV protocol.
 *
 * <p>Time and waiting come from outside: a domain is created with a clock and an
 * {@link mirage.core.spi.EventLoop.Waiter}, a parking one on the real clock or a
 * simulation's on virtual time ({@code mirage.time.Simulation}), where upcalls become loop
 * actions and a run is deterministic.
 */
package mirage.platform.xen.internal.sim;
