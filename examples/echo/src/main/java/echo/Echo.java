package echo;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import mirage.core.Console;
import mirage.core.Unikernel;
import mirage.net.DirectStack;
import mirage.net.NetException;
import mirage.net.Stack;
import mirage.net.Udp;

/**
 * Answers ICMP echo requests (the stack does) and echoes every UDP datagram to port
 * {@value #PORT} back to its sender (RFC 862), until the process is stopped.
 */
public final class Echo implements Unikernel {

    /** The echo service's port (RFC 862). */
    public static final int PORT = 7;

    public void start(Console console, Stack stack) throws InterruptedException, NetException {
        serve(console, stack);
        new CountDownLatch(1).await(); // a unikernel serves until it is stopped
    }

    /**
     * Starts the service on {@code stack}, reports the stack's addresses on {@code console}
     * as they change, and returns.
     *
     * @return the count of datagrams that could not be echoed (no route back, say)
     */
    public static AtomicLong serve(Console console, Stack stack) throws NetException {
        AtomicLong failed = new AtomicLong();
        Udp udp = stack.udp();
        udp.listen(PORT, (source, sourcePort, destination, payload) -> {
            try {
                udp.send(PORT, source, sourcePort, payload);
            } catch (NetException e) {
                failed.incrementAndGet(); // UDP promises nothing; count and go on
            }
        });
        if (stack instanceof DirectStack direct) {
            direct.ipv4().onAddressChange((addresses, gateway) -> console.println("echo: ipv4 "
                    + (addresses.isEmpty() ? "none yet" : addresses.toString())
                    + gateway.map(g -> " gateway " + g).orElse("")));
        }
        console.println("echo: UDP echo on port " + PORT);
        return failed;
    }
}
