package mirage.platform.xen.internal.hypervisor;

import java.lang.foreign.MemorySegment;

/**
 * What a domain finds at boot (PVH's {@code HVM_PARAM_STORE_PFN/STORE_EVTCHN} and
 * {@code HVM_PARAM_CONSOLE_PFN/CONSOLE_EVTCHN}): its xenstore ring page and the port to
 * xenstored, its console ring page and the port to the console back end. The pages are the
 * domain's own; the toolstack granted them to the back-end domain at refs
 * {@code GNTTAB_RESERVED_XENSTORE} (1) and {@code GNTTAB_RESERVED_CONSOLE} (0).
 *
 * @param store the {@code xenstore_domain_interface} page
 * @param storePort the event channel to xenstored
 * @param console the {@code xencons_interface} page
 * @param consolePort the event channel to the console back end
 */
public record StartInfo(MemorySegment store, int storePort, MemorySegment console, int consolePort) {}
