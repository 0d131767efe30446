package mirage.platform.xen.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mirage.platform.xen.internal.binding.back.BackContext;
import mirage.platform.xen.internal.binding.event.Blocker;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.binding.event.LoopDispatcher;
import mirage.platform.xen.internal.binding.front.FrontContext;
import mirage.platform.xen.internal.binding.host.Toolstack;
import mirage.platform.xen.internal.binding.xenstore.XenstoreClient;
import mirage.platform.xen.internal.binding.xenstore.XenstoreRing;
import mirage.platform.xen.internal.binding.xenstore.XenstoreService;
import mirage.platform.xen.internal.engine.xenstore.XsServer;
import mirage.platform.xen.internal.sim.SimDomain;
import mirage.platform.xen.internal.sim.SimulatedHypervisor;
import mirage.time.Simulation;

/**
 * A simulated Xen host on virtual time for tests: the hypervisor, domain 0 with xenstored and
 * a toolstack, and guests built on it, every domain's events dispatched on the simulation's
 * loop. Deterministic for a seed.
 */
public final class XenSim implements AutoCloseable {
    public final Simulation sim;
    public final SimulatedHypervisor hv;
    public final SimDomain dom0;
    public final DomainEvents events0;
    public final XenstoreService xenstored;
    public final XenstoreClient xs0;
    public final BackContext back;
    public final Toolstack toolstack;
    public final List<String> log = new ArrayList<>();

    public XenSim(long seed) {
        sim = Simulation.create(seed);
        hv = new SimulatedHypervisor(sim::now);
        dom0 = hv.createDomain("Domain-0", sim.loop().waiter());
        events0 = new DomainEvents(dom0);
        LoopDispatcher.install(sim.loop(), events0);
        xenstored = new XenstoreService(dom0, events0, sim.loop(), XsServer.Limits.DEFAULT);
        xs0 = xenstored.connectLocal();
        back = new BackContext(dom0, events0, xs0, sim.loop(), line -> log.add("dom0: " + line));
        toolstack = new Toolstack(xs0, 0);
    }

    /** A guest: its domain and what its drivers need. */
    public record Guest(SimDomain domain, DomainEvents events, XenstoreClient xs, Blocker blocker, FrontContext ctx) {
        public int domid() {
            return domain.domid();
        }
    }

    /** Builds a guest, writes its tree and introduces it, connects its xenstore client. */
    public Guest guest(String name) throws Exception {
        SimDomain d = hv.buildGuest(name, 0, sim.loop().waiter());
        toolstack.createDomain(d.domid(), name, d.storeFrame(), d.startInfo().storePort(), d.consoleFrame(),
                d.startInfo().consolePort(), 65536);
        DomainEvents ev = new DomainEvents(d);
        LoopDispatcher.install(sim.loop(), ev);
        Blocker blocker = new Blocker(sim.loop()::now, sim.loop()::waiter, null);
        XenstoreClient xs = XenstoreRing.connect(d, ev, blocker);
        FrontContext ctx = new FrontContext(d, ev, xs, blocker, line -> log.add(name + ": " + line));
        return new Guest(d, ev, xs, blocker, ctx);
    }

    /** Runs {@code body} as a task until it ends (at most {@code limit} of virtual time); rethrows what it threw. */
    public void run(Duration limit, Simulation.Body body) throws Exception {
        Simulation.Task t = sim.spawn("test", body);
        long end = sim.now() + limit.toNanos();
        while (!t.done() && sim.now() < end) {
            sim.runUntil(Math.min(end, sim.now() + 10_000_000L));
        }
        if (!t.done()) {
            throw new AssertionError("task not done after " + limit + " of virtual time; log: " + log);
        }
        if (t.failure().isPresent()) {
            Throwable e = t.failure().get();
            if (e instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError(e);
        }
    }

    /** Lets the simulation run for {@code d} of virtual time. */
    public void runFor(Duration d) {
        sim.runFor(d);
    }

    @Override
    public void close() {
        // the simulation holds no thread; memory goes with the hypervisor
        hv.close();
    }
}
