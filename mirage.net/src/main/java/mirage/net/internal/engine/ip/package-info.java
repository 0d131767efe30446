/**
 * What the IPv4 and IPv6 engines share (not exported), sans-IO like them: the buffer of one
 * datagram under reassembly ({@link mirage.net.internal.engine.ip.FragmentAssembly}) and the
 * per-destination path MTU table ({@link mirage.net.internal.engine.ip.PathMtus}). Time comes in
 * as {@code now} (monotonic nanoseconds); nothing here has a clock, thread or randomness.
 */
package mirage.net.internal.engine.ip;
