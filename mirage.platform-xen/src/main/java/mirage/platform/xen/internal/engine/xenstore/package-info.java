/**
 * Xenstore, sans-IO (docs/misc/xenstore.txt; docs/decisions/0042): the tree
 * ({@link mirage.platform.xen.internal.engine.xenstore.XsTree}, persistent, so that a
 * transaction's snapshot is a root), the server
 * ({@link mirage.platform.xen.internal.engine.xenstore.XsServer}: every request type,
 * permissions, transactions committed if nothing they looked at changed, watches with tokens,
 * quotas) and the client ({@link mirage.platform.xen.internal.engine.xenstore.XsClientEngine}:
 * request ids, replies, watch events). Messages in, messages out; no thread, no socket, no ring.
 */
package mirage.platform.xen.internal.engine.xenstore;
