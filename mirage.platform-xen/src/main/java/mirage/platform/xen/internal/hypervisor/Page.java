package mirage.platform.xen.internal.hypervisor;

import java.lang.foreign.MemorySegment;

/**
 * A page of a domain's memory.
 *
 * @param frame its frame number, what a grant names
 * @param memory its 4096 bytes, page-aligned; shared with every domain that maps a grant of it
 */
public record Page(long frame, MemorySegment memory) {}
