package mirage.platform.xen.internal.binding.back;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import mirage.platform.xen.internal.binding.xenstore.XenbusNode;
import mirage.platform.xen.internal.engine.BackRing;
import mirage.platform.xen.internal.engine.Rings;
import mirage.platform.xen.internal.engine.xenbus.BackendHandshake;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.wire.Blkif;
import mirage.platform.xen.internal.wire.Layouts;
import mirage.platform.xen.internal.wire.XenbusState;

/**
 * blkback: the control domain's end of a guest's PV disk (io/blkif.h), on a file (the
 * toolstack's {@code params}, opened read-write for {@code mode} {@code w}). Publishes
 * {@code feature-flush-cache} and {@code feature-barrier} (both a {@code force} of the file),
 * then at {@code Connected} the geometry: 512-byte {@code sector-size}, {@code sectors},
 * {@code info} ({@code VDISK_READONLY} for mode {@code r}). Data moves by grant copy through
 * one staging buffer; requests run in order on the control domain's loop.
 *
 * <h2>Trust</h2>
 * Each request is checked before anything is done: a known operation, 1 to
 * {@value Blkif#MAX_SEGMENTS_PER_REQUEST} segments with {@code first_sect <= last_sect < 8},
 * sectors inside the file, grants that permit the copy; otherwise {@code BLKIF_RSP_ERROR}
 * ({@code BLKIF_RSP_EOPNOTSUPP} for operations not offered). A ring index beyond the ring is
 * fatal: the back end disconnects and closes.
 */
public final class Blkback implements AutoCloseable {
    private static final int PAGE = Layouts.PAGE_SIZE;

    private final BackContext ctx;
    private final int guest;
    private final int vdev;
    private final XenbusNode node;
    private final String token;
    private final BackendHandshake handshake = new BackendHandshake();
    private final ByteBuffer stage = ByteBuffer.allocateDirect(Blkif.MAX_SEGMENTS_PER_REQUEST * PAGE);
    private final MemorySegment stageMemory = MemorySegment.ofBuffer(stage);
    private final int[] segRef = new int[Blkif.MAX_SEGMENTS_PER_REQUEST];
    private final int[] segFirst = new int[Blkif.MAX_SEGMENTS_PER_REQUEST];
    private final int[] segLast = new int[Blkif.MAX_SEGMENTS_PER_REQUEST];

    private String frontend;
    private XenbusState frontendState;
    private FileChannel file;
    private long sizeBytes;
    private boolean readOnly;
    private BackRing ring;
    private int ringRef = -1;
    private int port = -1;
    private volatile boolean closed;
    private long requests;
    private long errors;

    private Blkback(BackContext ctx, int guest, int vdev) {
        this.ctx = ctx;
        this.guest = guest;
        this.vdev = vdev;
        this.node = new XenbusNode(ctx.xs(), ctx.backendDir("vbd", guest, vdev));
        this.token = XenbusNode.token("blkback/" + guest + "/" + vdev);
    }

    /** Starts the back end of {@code guest}'s disk {@code vdev}, whose back-end directory the toolstack wrote. */
    public static Blkback start(BackContext ctx, int guest, int vdev) {
        Blkback bb = new Blkback(ctx, guest, vdev);
        bb.onLoop(bb::begin);
        return bb;
    }

    private void onLoop(Runnable r) {
        if (ctx.loop().inLoop()) {
            r.run();
        } else {
            ctx.loop().execute(r);
        }
    }

    private String token() {
        return token;
    }

    private void begin() {
        node.read(List.of("frontend", "params", "mode"), v -> onLoop(() -> {
            frontend = v.get("frontend");
            String params = v.get("params");
            if (frontend == null || params == null) {
                ctx.log().accept(this + ": no frontend or params node in " + node.path());
                return;
            }
            readOnly = !"w".equals(v.get("mode"));
            try {
                file = readOnly ? FileChannel.open(Path.of(params), StandardOpenOption.READ)
                        : FileChannel.open(Path.of(params), StandardOpenOption.READ, StandardOpenOption.WRITE);
                sizeBytes = file.size() / Blkif.SECTOR * Blkif.SECTOR;
            } catch (IOException | RuntimeException e) {
                ctx.log().accept(this + ": cannot open " + params + ": " + e.getMessage());
                node.write("hotplug-error", "cannot open " + params);
                node.state(XenbusState.CLOSED);
                return;
            }
            publishFeatures();
            node.watchState(frontend + "/state", token(), s -> onLoop(() -> frontendChanged(s)));
        }));
    }

    private void publishFeatures() {
        node.write("feature-flush-cache", "1");
        node.write("feature-barrier", "1");
        node.write("feature-discard", "0");
        node.write("feature-persistent", "0");
        node.write("max-ring-page-order", "0");
        handshake.featuresPublished();
        node.state(handshake.state());
    }

    private void frontendChanged(XenbusState s) {
        frontendState = s;
        if (closed) {
            return;
        }
        switch (handshake.frontendChanged(s)) {
            case CONNECT -> connect();
            case DISCONNECT -> {
                disconnect();
                BackStates.disconnected(node, handshake, frontendState);
            }
            case CLOSED -> node.state(XenbusState.CLOSED);
            case REINITIALISE -> publishFeatures();
            case WAIT -> { }
        }
    }

    private void connect() {
        node.read(List.of(frontend + "/ring-ref", frontend + "/event-channel", frontend + "/protocol"), v -> onLoop(() -> {
            if (closed || handshake.state() != XenbusState.INIT_WAIT) {
                return;
            }
            long ref = XenbusNode.number(v.get(frontend + "/ring-ref"));
            long evtchn = XenbusNode.number(v.get(frontend + "/event-channel"));
            String protocol = v.get(frontend + "/protocol");
            if (ref < 0 || ref > Integer.MAX_VALUE || evtchn <= 0 || evtchn > Integer.MAX_VALUE) {
                fatal("the front end published no valid ring-ref and event-channel");
                return;
            }
            if (protocol != null && !protocol.equals(Blkif.PROTOCOL_X86_64)) {
                fatal("the front end's protocol " + protocol + " is not " + Blkif.PROTOCOL_X86_64);
                return;
            }
            try {
                MemorySegment page = ctx.hv().mapGrant(guest, (int) ref, true);
                ringRef = (int) ref;
                port = ctx.hv().bindInterdomain(guest, (int) evtchn);
                ring = BackRing.attach(page, Blkif.ENTRY);
            } catch (HypervisorException e) {
                fatal("cannot connect to the front end's ring: " + e.getMessage());
                return;
            }
            ctx.events().bind(port, this::event);
            node.write("sector-size", Integer.toString(Blkif.SECTOR));
            node.write("physical-sector-size", Integer.toString(Blkif.SECTOR));
            node.write("sectors", Long.toString(sizeBytes / Blkif.SECTOR));
            node.write("info", Integer.toString(readOnly ? Blkif.VDISK_READONLY : 0));
            handshake.connected();
            node.state(XenbusState.CONNECTED);
            node.write("hotplug-status", "connected");
            event(port);
        }));
    }

    private void disconnect() {
        ring = null;
        if (port > 0) {
            ctx.events().unbind(port);
            ctx.hv().close(port);
            port = -1;
        }
        if (ringRef >= 0) {
            ctx.hv().unmapGrant(guest, ringRef, true);
            ringRef = -1;
        }
    }

    private void fatal(String why) {
        ctx.log().accept(this + ": " + why + "; disabling the device");
        handshake.close();
        disconnect();
        node.state(XenbusState.CLOSING);
        node.state(XenbusState.CLOSED);
    }

    // ------------------------------------------------------------------ requests (loop)

    private long event(int ignored) {
        BackRing r = ring;
        if (r == null) {
            return 0;
        }
        boolean notify = false;
        do {
            int n = r.unconsumedRequests();
            if (n == Rings.OVERFLOW) {
                fatal("the front end moved the ring's producer beyond the ring");
                return 0;
            }
            for (int i = 0; i < n; i++) {
                serve(r);
            }
            notify |= r.pushResponses();
        } while (r.finalCheckForRequests() && ring == r);
        if (notify && port > 0) {
            try {
                ctx.hv().notify(port);
            } catch (HypervisorException e) {
                // disconnected meanwhile
            }
        }
        return 0;
    }

    /** Reads one request once, checks it, does it, answers it. */
    private void serve(BackRing r) {
        MemorySegment m = r.memory();
        long at = r.takeRequest();
        int op = Layouts.u8(m, at + Blkif.REQ_OPERATION);
        int nr = Layouts.u8(m, at + Blkif.REQ_NR_SEGMENTS);
        long id = Layouts.u64(m, at + Blkif.REQ_ID);
        long sector = Layouts.u64(m, at + Blkif.REQ_SECTOR_NUMBER);
        int status;
        requests++;
        switch (op) {
            case Blkif.OP_READ, Blkif.OP_WRITE -> {
                int n = Math.min(nr, Blkif.MAX_SEGMENTS_PER_REQUEST);
                for (int i = 0; i < n; i++) {
                    long s = at + Blkif.REQ_SEG + (long) i * Blkif.SEG_SIZE;
                    segRef[i] = Layouts.u32(m, s + Blkif.SEG_GREF);
                    segFirst[i] = Layouts.u8(m, s + Blkif.SEG_FIRST_SECT);
                    segLast[i] = Layouts.u8(m, s + Blkif.SEG_LAST_SECT);
                }
                status = nr < 1 || nr > Blkif.MAX_SEGMENTS_PER_REQUEST ? Blkif.RSP_ERROR : transfer(op, n, sector);
            }
            case Blkif.OP_FLUSH_DISKCACHE, Blkif.OP_WRITE_BARRIER -> status = flush();
            default -> status = Blkif.RSP_EOPNOTSUPP;
        }
        if (status != Blkif.RSP_OKAY) {
            errors++;
        }
        Blkif.response(m, r.nextResponse(), id, op, status);
    }

    private int transfer(int op, int n, long sector) {
        if (op == Blkif.OP_WRITE && readOnly) {
            return Blkif.RSP_ERROR;
        }
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            if (segFirst[i] > segLast[i] || segLast[i] >= Blkif.SECTORS_PER_PAGE) {
                return Blkif.RSP_ERROR;
            }
            bytes += (segLast[i] - segFirst[i] + 1) * Blkif.SECTOR;
        }
        if (sector < 0 || sector > sizeBytes / Blkif.SECTOR || bytes > sizeBytes - sector * Blkif.SECTOR) {
            return Blkif.RSP_ERROR;
        }
        long position = sector * Blkif.SECTOR;
        try {
            if (op == Blkif.OP_WRITE) {
                int at = 0;
                for (int i = 0; i < n; i++) {
                    int len = (segLast[i] - segFirst[i] + 1) * Blkif.SECTOR;
                    ctx.hv().copyFromGrant(guest, segRef[i], segFirst[i] * Blkif.SECTOR, stageMemory, at, len);
                    at += len;
                }
                stage.limit(bytes).position(0);
                while (stage.hasRemaining()) {
                    file.write(stage, position + stage.position());
                }
            } else {
                stage.limit(bytes).position(0);
                while (stage.hasRemaining()) {
                    if (file.read(stage, position + stage.position()) < 0) {
                        return Blkif.RSP_ERROR;
                    }
                }
                int at = 0;
                for (int i = 0; i < n; i++) {
                    int len = (segLast[i] - segFirst[i] + 1) * Blkif.SECTOR;
                    ctx.hv().copyToGrant(stageMemory, at, guest, segRef[i], segFirst[i] * Blkif.SECTOR, len);
                    at += len;
                }
            }
        } catch (HypervisorException | IOException e) {
            return Blkif.RSP_ERROR;
        }
        return Blkif.RSP_OKAY;
    }

    private int flush() {
        try {
            file.force(true);
            return Blkif.RSP_OKAY;
        } catch (IOException e) {
            return Blkif.RSP_ERROR;
        }
    }

    /** Requests served and answered with an error so far (for tests). */
    public long[] counts() {
        return new long[] {requests, errors};
    }

    public XenbusState state() {
        return handshake.state();
    }

    /** Closes the device from the back end mid-run: Closing, disconnect, Closed once the front end closes. */
    public void shutdown() {
        onLoop(() -> {
            if (handshake.close() == BackendHandshake.Step.DISCONNECT) {
                disconnect();
                BackStates.disconnected(node, handshake, frontendState);
            }
        });
    }

    /** Stops the back end and closes the file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onLoop(() -> {
            if (frontend != null) {
                node.unwatch(frontend + "/state", token());
            }
            disconnect();
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        });
    }

    @Override
    public String toString() {
        return "blkback " + guest + "/" + vdev;
    }
}
