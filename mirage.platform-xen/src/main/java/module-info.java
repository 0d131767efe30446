/** The Xen PV platform (xenstore, grant tables, event channels, rings). Not written yet. */
module mirage.platform.xen {
    requires mirage.core;
}
