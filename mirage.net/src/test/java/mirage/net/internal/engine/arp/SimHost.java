package mirage.net.internal.engine.arp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import mirage.core.Rng;
import mirage.core.spi.EventLoop;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.internal.engine.ethernet.EthernetEngine;
import mirage.net.internal.link.SimSwitch;
import mirage.net.internal.wire.EthernetFrame;
import mirage.time.Simulation;

/**
 * A test binding: one host's Ethernet and ARP engines on a port of a {@link SimSwitch}, driven
 * by a simulation's loop. Received frames are fed with the loop's now; after every input the
 * ARP engine's next deadline is (re)armed as a loop timer, whose action polls the engine. Sent
 * and received frames are written to the simulation's trace.
 */
final class SimHost {
    final String name;
    final Simulation sim;
    final SimSwitch.Port port;
    final EthernetEngine ethernet;
    final ArpEngine arp;
    final List<String> ipv4Received = new ArrayList<>();
    /** IPv4 frames handed to the port (the link may still lose them). */
    int ipv4Sent;
    private EventLoop.Timer timer;

    SimHost(Simulation sim, SimSwitch sw, String name, MacAddress mac, ArpConfig config, Rng rng) {
        this.name = name;
        this.sim = sim;
        this.port = sw.addPort(name, mac, 1500);
        this.ethernet = new EthernetEngine(mac, 1500, frame -> {
            sim.trace(name, "tx " + summary(frame));
            if (frame.getShort(frame.position() + 12) == EthernetFrame.TYPE_IPV4) {
                ipv4Sent++;
            }
            try {
                port.send(frame);
            } catch (NetException e) {
                sim.trace(name, "tx failed: " + e.getMessage());
            }
        });
        this.arp = new ArpEngine(ethernet, config, rng);
        port.listen(frame -> {
            sim.trace(name, "rx " + summary(frame));
            receive(sim.now(), frame);
            rearm();
        });
    }

    /** A frame from the port, as the stack's binding takes it: ARP to the engine, IPv4 recorded. */
    private void receive(long now, ByteBuffer frame) {
        EthernetFrame f = ethernet.receive(now, frame);
        if (f == null) {
            return;
        }
        switch (f.etherType()) {
            case EthernetFrame.TYPE_ARP -> arp.receive(now, f.buffer(), f.payloadOffset(), f.payloadLength());
            case EthernetFrame.TYPE_IPV4 -> {
                byte[] b = new byte[f.payloadLength()];
                f.buffer().get(f.payloadOffset(), b);
                ipv4Received.add(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
            }
            default -> ethernet.unknownType();
        }
    }

    void addAddress(Ipv4Address address) {
        arp.addAddress(sim.now(), address);
        rearm();
    }

    void output(Ipv4Address nextHop, String text) {
        ArpEngine.Outcome o = arp.output(sim.now(), nextHop,
                ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        sim.trace(name, "output " + text + " " + o);
        rearm();
    }

    private void rearm() {
        long next = arp.nextDeadline();
        if (timer != null) {
            if (timer.deadline() == next) {
                return;
            }
            timer.cancel();
            timer = null;
        }
        if (next != Long.MAX_VALUE) {
            timer = sim.loop().schedule(Math.max(next, sim.now()), this::fire);
        }
    }

    private void fire() {
        timer = null;
        arp.poll(sim.now());
        rearm();
    }

    private static String summary(ByteBuffer frame) {
        int n = Math.min(frame.remaining(), 42);
        byte[] b = new byte[n];
        frame.get(frame.position(), b);
        return HexFormat.of().formatHex(b);
    }
}
