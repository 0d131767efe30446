package mirage.platform.xen.internal.binding.front;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;
import mirage.platform.xen.internal.binding.xenstore.XenbusNode;
import mirage.platform.xen.internal.binding.xenstore.XenstoreException;
import mirage.platform.xen.internal.engine.FrontRing;
import mirage.platform.xen.internal.engine.Rings;
import mirage.platform.xen.internal.engine.xenbus.FrontendHandshake;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.hypervisor.Page;
import mirage.platform.xen.internal.wire.Blkif;
import mirage.platform.xen.internal.wire.Layouts;
import mirage.platform.xen.internal.wire.XenbusState;

/**
 * blkfront: a guest's PV disk as a {@link mirage.block.Block} (io/blkif.h).
 *
 * <h2>Requests</h2>
 * A read or write is cut into requests of at most {@value Blkif#MAX_SEGMENTS_PER_REQUEST}
 * segments of one page each (44 KiB), as many in flight as the ring has slots
 * ({@value Blkif#RING_SIZE}). Each slot owns 11 pages granted to the back end once; data is
 * copied between them and the caller's buffers. {@link #flush} is
 * {@code BLKIF_OP_FLUSH_DISKCACHE} (or {@code WRITE_BARRIER}, whichever the back end offers;
 * neither: its writes are durable when answered); {@link #discard} is {@code BLKIF_OP_DISCARD}
 * when the back end offers {@code feature-discard}, else nothing.
 *
 * <h2>Geometry</h2>
 * From the back end at {@code Connected}: {@code sector-size} (a power of two, 512 to 4096),
 * {@code sectors} (in 512-byte units, whatever the sector size), {@code info}
 * ({@code VDISK_READONLY}) and {@code mode}. Fixed for the device's life: a back end that
 * reconnects with another geometry makes the device fail for good.
 *
 * <h2>Back end gone</h2>
 * When the back end closes, requests in flight are kept; when it offers {@code InitWait}
 * again the front end reconnects and submits them again (reads and writes are idempotent, as
 * Linux's blkfront relies on). A call waits at most {@link #IO_TIMEOUT} for its requests.
 *
 * <h2>Trust</h2>
 * A response naming no request in flight, with another operation than its request's, or a
 * producer index beyond the ring makes the device fail for good ({@code DISCONNECTED}); an
 * error status fails only its call ({@code IO}).
 *
 * <h2>Threading</h2>
 * Thread-safe; calls block (application tasks); responses are handled on the domain's event
 * thread.
 */
public final class Blkfront implements Block, Device {
    /** How long one call waits for the back end. */
    public static final Duration IO_TIMEOUT = Duration.ofSeconds(60);

    private static final int SLOTS = Blkif.RING_SIZE;
    private static final int SEGS = Blkif.MAX_SEGMENTS_PER_REQUEST;
    private static final int PAGE = Layouts.PAGE_SIZE;
    private static final int FREE = 0;
    private static final int IN_FLIGHT = 1;
    private static final int DONE = 2;
    private static final int RESERVED = 3;

    private final FrontContext ctx;
    private final String name;
    private final int handle;
    private final int vdev;
    private final XenbusNode node;
    private final String token;
    private final String backend;
    private final int backendId;
    private final Page ringPage;
    private final int ringRef;
    private final int port;
    private final Page[] pages = new Page[SLOTS * SEGS];
    private final int[] refs = new int[SLOTS * SEGS];
    private final ByteBuffer[] views = new ByteBuffer[SLOTS * SEGS];
    private final FrontendHandshake handshake = new FrontendHandshake(false);

    // guarded by lock
    private final Object lock = new Object();
    private FrontRing ring;
    private int epoch;
    private final int[] slotState = new int[SLOTS];
    private final int[] slotEpoch = new int[SLOTS];
    private final int[] slotOp = new int[SLOTS];
    private final int[] slotStatus = new int[SLOTS];
    private final long[] slotSector = new long[SLOTS];
    private final int[] slotBytes = new int[SLOTS];
    private final int[] slotSegments = new int[SLOTS];
    private final boolean[] abandoned = new boolean[SLOTS];
    private int freeSlots = SLOTS;

    private volatile Info info;
    private volatile boolean flushCache;
    private volatile boolean barrier;
    private volatile boolean discard;
    private volatile boolean running;
    private volatile boolean closed;
    private volatile String failure;
    private boolean publishing;

    private Blkfront(FrontContext ctx, String name, int handle, int vdev, String dir, String backend, int backendId)
            throws HypervisorException {
        this.ctx = ctx;
        this.name = name;
        this.handle = handle;
        this.vdev = vdev;
        this.node = new XenbusNode(ctx.xs(), dir);
        this.token = XenbusNode.token(getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + "/" + dir);
        this.backend = backend;
        this.backendId = backendId;
        var hv = ctx.hv();
        ringPage = hv.allocatePage();
        ringRef = hv.grantAccess(backendId, ringPage, false);
        for (int i = 0; i < pages.length; i++) {
            pages[i] = hv.allocatePage();
            refs[i] = hv.grantAccess(backendId, pages[i], false);
            views[i] = pages[i].memory().asByteBuffer();
        }
        port = hv.allocUnbound(backendId);
    }

    /**
     * Connects disk {@code vdev} ({@code device/vbd/<vdev>}) and waits, until {@code timeout},
     * for the back end to be connected.
     *
     * @throws XenDeviceException naming what is missing, malformed or refused, or where the
     *     handshake stood at the deadline
     */
    public static Blkfront open(FrontContext ctx, String name, int handle, int vdev, Duration timeout)
            throws XenDeviceException, InterruptedException {
        String dir = ctx.deviceDir("vbd", vdev);
        String backend;
        int backendId;
        try {
            backend = ctx.xs().readOrNull(dir + "/backend");
            String id = ctx.xs().readOrNull(dir + "/backend-id");
            if (backend == null || id == null) {
                throw new XenDeviceException("xenstore nodes " + dir + "/backend and backend-id are missing: the toolstack writes them");
            }
            long d = XenbusNode.number(id);
            if (d < 0 || d > 0x7fef) {
                throw new XenDeviceException(dir + "/backend-id '" + id + "' is not a domain id");
            }
            backendId = (int) d;
        } catch (XenstoreException e) {
            throw new XenDeviceException("cannot read vbd " + vdev + "'s xenstore nodes: " + e.getMessage(), e);
        }
        Blkfront bf;
        try {
            bf = new Blkfront(ctx, name, handle, vdev, dir, backend, backendId);
        } catch (HypervisorException e) {
            throw new XenDeviceException("cannot set up vbd " + vdev + ": " + e.getMessage(), e);
        }
        ctx.events().bind(bf.port, bf::event);
        bf.node.watchState(backend + "/state", bf.token(), bf::backendState);
        long deadline = ctx.blocker().now() + timeout.toNanos();
        if (!ctx.blocker().await(() -> bf.running || bf.failure != null, deadline)) {
            bf.close();
            throw new XenDeviceException("vbd " + vdev + ": the back end " + backend + " did not connect within " + timeout
                    + " (front end " + bf.handshake.state() + ")");
        }
        if (bf.failure != null) {
            String why = bf.failure;
            bf.close();
            throw new XenDeviceException("vbd " + vdev + ": " + why);
        }
        return bf;
    }

    private String token() {
        return token;
    }

    // ------------------------------------------------------------------ handshake (event thread)

    private void backendState(XenbusState state) {
        if (closed) {
            return;
        }
        switch (handshake.backendChanged(state)) {
            case PUBLISH -> publish();
            case REINITIALISE -> {
                node.state(XenbusState.INITIALISING); // as Linux's front ends do, so that its back ends reconnect
                publish();
            }
            case CONNECT -> connect();
            case PAUSE -> running = false;
            case RESUME -> {
                running = true;
                ctx.blocker().signalAll();
            }
            case CLOSE -> {
                down();
                FrontStates.closeOut(node, handshake);
            }
            case WAIT -> { }
        }
    }

    private void publish() {
        if (publishing) {
            return;
        }
        publishing = true;
        synchronized (lock) {
            ring = FrontRing.init(ringPage.memory(), Blkif.ENTRY);
            epoch++;
            // abandoned requests of the old ring will never be answered
            for (int s = 0; s < SLOTS; s++) {
                if (abandoned[s]) {
                    abandoned[s] = false;
                    slotState[s] = FREE;
                    freeSlots++;
                }
            }
        }
        node.write("ring-ref", Integer.toString(ringRef));
        node.write("event-channel", Integer.toString(port));
        node.write("protocol", Blkif.PROTOCOL_X86_64);
        publishing = false;
        handshake.published();
        node.state(handshake.state());
    }

    /** Reads the geometry and features, checks them, starts I/O. */
    private void connect() {
        node.read(List.of(backend + "/sectors", backend + "/sector-size", backend + "/info", backend + "/mode",
                backend + "/feature-flush-cache", backend + "/feature-barrier", backend + "/feature-discard"), v -> {
                    if (closed) {
                        return;
                    }
                    long sectors = XenbusNode.number(v.get(backend + "/sectors"));
                    long sectorSize = v.get(backend + "/sector-size") == null ? Blkif.SECTOR
                            : XenbusNode.number(v.get(backend + "/sector-size"));
                    long infoBits = v.get(backend + "/info") == null ? 0 : XenbusNode.number(v.get(backend + "/info"));
                    if (sectors < 0) {
                        fail("the back end's sectors '" + v.get(backend + "/sectors") + "' is not a number");
                        return;
                    }
                    if (sectorSize < Blkif.SECTOR || sectorSize > PAGE || Long.bitCount(sectorSize) != 1) {
                        fail("the back end's sector-size '" + v.get(backend + "/sector-size")
                                + "' is not a power of two from 512 to 4096");
                        return;
                    }
                    if (infoBits < 0 || Math.multiplyHigh(sectors, Blkif.SECTOR) != 0 || sectors * Blkif.SECTOR % sectorSize != 0) {
                        fail("the back end's sectors " + sectors + " and info '" + v.get(backend + "/info")
                                + "' do not describe a disk of " + sectorSize + "-byte sectors");
                        return;
                    }
                    boolean rw = (infoBits & Blkif.VDISK_READONLY) == 0 && !"r".equals(v.get(backend + "/mode"));
                    Info next = new Info((int) sectorSize, sectors * Blkif.SECTOR / sectorSize, rw);
                    Info before = info;
                    if (before != null && !before.equals(next)) {
                        fail("the back end reconnected with another geometry (" + next + ", was " + before + ")");
                        return;
                    }
                    info = next;
                    flushCache = "1".equals(v.get(backend + "/feature-flush-cache"));
                    barrier = "1".equals(v.get(backend + "/feature-barrier"));
                    discard = "1".equals(v.get(backend + "/feature-discard"));
                    handshake.connected();
                    node.state(XenbusState.CONNECTED);
                    running = true;
                    ctx.blocker().signalAll();
                });
    }

    private void down() {
        running = false;
        synchronized (lock) {
            ring = null;
        }
        ctx.blocker().signalAll();
    }

    private void fail(String why) {
        if (failure == null) {
            failure = why;
            ctx.log().accept("blkfront " + name + " (vbd " + vdev + "): " + why);
        }
        if (handshake.state() != XenbusState.CLOSED) {
            handshake.close();
            down();
            FrontStates.closeOut(node, handshake);
        }
        ctx.blocker().signalAll();
    }

    // ------------------------------------------------------------------ responses (event thread)

    private long event(int ignored) {
        String problem = null;
        synchronized (lock) {
            FrontRing r = ring;
            if (r == null) {
                return 0;
            }
            MemorySegment m = r.memory();
            do {
                int n = r.unconsumedResponses();
                if (n == Rings.OVERFLOW) {
                    problem = "the back end moved the ring's producer beyond the requests in flight";
                    break;
                }
                for (int i = 0; i < n && problem == null; i++) {
                    long at = r.takeResponse();
                    long id = Layouts.u64(m, at + Blkif.RSP_ID);
                    int op = Layouts.u8(m, at + Blkif.RSP_OPERATION);
                    int status = Layouts.s16(m, at + Blkif.RSP_STATUS);
                    if (id < 0 || id >= SLOTS || slotState[(int) id] != IN_FLIGHT || slotEpoch[(int) id] != epoch) {
                        problem = "the back end answered request " + id + ", which is not in flight";
                    } else if (op != slotOp[(int) id]) {
                        problem = "the back end answered request " + id + " as operation " + op + ", not " + slotOp[(int) id];
                    } else if (abandoned[(int) id]) {
                        abandoned[(int) id] = false;
                        slotState[(int) id] = FREE;
                        freeSlots++;
                    } else {
                        slotState[(int) id] = DONE;
                        slotStatus[(int) id] = status;
                    }
                }
            } while (problem == null && r.finalCheckForResponses());
        }
        if (problem != null) {
            fail(problem);
        }
        ctx.blocker().signalAll();
        return 0;
    }

    // ------------------------------------------------------------------ I/O

    @Override
    public Info info() {
        return info;
    }

    @Override
    public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        io(Blkif.OP_READ, sectorOffset, buffers);
    }

    @Override
    public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        if (!info.readWrite()) {
            checkOpen();
            throw new BlockException(BlockException.Reason.READ_ONLY, name + " is read-only");
        }
        io(Blkif.OP_WRITE, sectorOffset, buffers);
    }

    private void checkOpen() throws BlockException {
        if (closed || failure != null) {
            throw new BlockException(BlockException.Reason.DISCONNECTED, "block device " + name + " is "
                    + (closed ? "closed" : "failed: " + failure));
        }
    }

    private void io(int op, long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        checkOpen();
        Info g = info;
        long total = 0;
        for (ByteBuffer b : buffers) {
            if (b.remaining() % g.sectorSize() != 0) {
                throw new BlockException(BlockException.Reason.MISALIGNED, "a buffer of " + b.remaining()
                        + " bytes is not a whole number of " + g.sectorSize() + "-byte sectors");
            }
            if (op == Blkif.OP_READ && b.isReadOnly() && b.hasRemaining()) {
                throw new java.nio.ReadOnlyBufferException();
            }
            total += b.remaining();
        }
        long sectors = total / g.sectorSize();
        if (sectorOffset < 0 || sectorOffset > g.sizeSectors() || sectors > g.sizeSectors() - sectorOffset) {
            throw new BlockException(BlockException.Reason.OUT_OF_RANGE, "sectors " + sectorOffset + ".." + (sectorOffset + sectors)
                    + " lie outside " + name + " (" + g.sizeSectors() + " sectors)");
        }
        long firstByte = sectorOffset * g.sectorSize();
        Cursor cursor = new Cursor(buffers);
        Cursor reader = new Cursor(buffers);
        int[] fifo = new int[SLOTS];
        int head = 0;
        int queued = 0;
        long submitted = 0;
        long deadline = ctx.blocker().now() + IO_TIMEOUT.toNanos();
        try {
            while (submitted < total || queued > 0) {
                if (submitted < total && (queued == 0 || freeSlots > 0)) {
                    int bytes = (int) Math.min((long) SEGS * PAGE, total - submitted);
                    int slot = acquire(deadline);
                    if (op == Blkif.OP_WRITE) {
                        cursor.copyOut(views, slot * SEGS, bytes);
                    }
                    submit(slot, op, (firstByte + submitted) / Blkif.SECTOR, bytes);
                    fifo[(head + queued++) % SLOTS] = slot;
                    submitted += bytes;
                    continue;
                }
                int slot = fifo[head];
                int status = await(slot, deadline);
                if (status != Blkif.RSP_OKAY) {
                    release(slot);
                    head = (head + 1) % SLOTS;
                    queued--;
                    throw new BlockException(BlockException.Reason.IO, "the back end failed " + (op == Blkif.OP_READ ? "reading" : "writing")
                            + " " + slotBytes[slot] + " bytes at byte " + slotSector[slot] * Blkif.SECTOR + " of " + name + ": "
                            + statusName(status));
                }
                if (op == Blkif.OP_READ) {
                    reader.copyIn(views, slot * SEGS, slotBytes[slot]);
                }
                release(slot);
                head = (head + 1) % SLOTS;
                queued--;
            }
        } finally {
            // slots of requests still in flight (an error above) are freed when they answer or the device closes
            while (queued > 0) {
                abandon(fifo[head]);
                head = (head + 1) % SLOTS;
                queued--;
            }
        }
        for (ByteBuffer b : buffers) {
            b.position(b.limit());
        }
    }

    private static String statusName(int status) {
        return switch (status) {
            case Blkif.RSP_ERROR -> "BLKIF_RSP_ERROR";
            case Blkif.RSP_EOPNOTSUPP -> "BLKIF_RSP_EOPNOTSUPP";
            default -> "status " + status;
        };
    }

    /** Takes a free slot, waiting for one. */
    private int acquire(long deadline) throws BlockException {
        while (true) {
            synchronized (lock) {
                checkOpen();
                if (freeSlots > 0) {
                    for (int s = 0; s < SLOTS; s++) {
                        if (slotState[s] == FREE) {
                            slotState[s] = RESERVED;
                            freeSlots--;
                            return s;
                        }
                    }
                }
            }
            waitFor(() -> freeSlots > 0 || closed || failure != null, deadline, "a free request slot");
        }
    }

    /** Writes slot {@code s}'s request (one page per segment) and pushes it. Re-submits after a reconnection. */
    private void submit(int s, int op, long sector, int bytes) throws BlockException {
        synchronized (lock) {
            slotOp[s] = op;
            slotSector[s] = sector;
            slotBytes[s] = bytes;
            slotSegments[s] = (bytes + PAGE - 1) / PAGE;
        }
        push(s);
    }

    private void push(int s) throws BlockException {
        boolean notify;
        synchronized (lock) {
            FrontRing r = ring;
            if (r == null || !running) {
                slotState[s] = IN_FLIGHT;
                slotEpoch[s] = -1; // submitted when the back end is back
                return;
            }
            MemorySegment m = r.memory();
            long at = r.nextRequest();
            int op = slotOp[s];
            int segments = op == Blkif.OP_READ || op == Blkif.OP_WRITE ? slotSegments[s] : 0;
            Blkif.request(m, at, op, segments, vdev & 0xffff, s, slotSector[s]);
            int bytes = slotBytes[s];
            for (int i = 0; i < segments; i++) {
                int inPage = Math.min(PAGE, bytes - i * PAGE);
                Blkif.segment(m, at, i, refs[s * SEGS + i], 0, inPage / Blkif.SECTOR - 1);
            }
            slotState[s] = IN_FLIGHT;
            slotEpoch[s] = epoch;
            notify = r.pushRequests();
        }
        if (notify) {
            try {
                ctx.hv().notify(port);
            } catch (HypervisorException e) {
                // closing
            }
        }
    }

    /** Waits for slot {@code s}'s answer, submitting it again after a reconnection; its status. */
    private int await(int s, long deadline) throws BlockException {
        while (true) {
            boolean resubmit;
            synchronized (lock) {
                if (slotState[s] == DONE) {
                    return slotStatus[s];
                }
                checkOpen();
                resubmit = running && ring != null && slotEpoch[s] != epoch;
            }
            if (resubmit) {
                push(s);
                continue;
            }
            waitFor(() -> slotState[s] == DONE || closed || failure != null || (running && slotEpoch[s] != epoch),
                    deadline, "the back end's answer");
        }
    }

    private void waitFor(java.util.function.BooleanSupplier condition, long deadline, String what) throws BlockException {
        boolean ok;
        try {
            ok = ctx.blocker().await(() -> {
                synchronized (lock) {
                    return condition.getAsBoolean();
                }
            }, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlockException(BlockException.Reason.IO, "interrupted waiting for " + what + " on " + name);
        }
        if (!ok) {
            checkOpen();
            throw new BlockException(BlockException.Reason.IO, "no answer from the back end of " + name + " within "
                    + IO_TIMEOUT + " (waiting for " + what + ")");
        }
    }

    private void release(int s) {
        synchronized (lock) {
            slotState[s] = FREE;
            freeSlots++;
        }
        ctx.blocker().signalAll();
    }

    /** A slot whose caller gave up: freed once answered (or now, if it is not on the ring). */
    private void abandon(int s) {
        synchronized (lock) {
            if (slotState[s] != IN_FLIGHT || slotEpoch[s] != epoch) {
                slotState[s] = FREE;
                freeSlots++;
            } else {
                abandoned[s] = true; // answered later: the event handler frees it
            }
        }
        ctx.blocker().signalAll();
    }

    @Override
    public void flush() throws BlockException {
        checkOpen();
        int op = flushCache ? Blkif.OP_FLUSH_DISKCACHE : barrier ? Blkif.OP_WRITE_BARRIER : -1;
        if (op < 0) {
            return;
        }
        control(op, 0, 0, "flushing");
    }

    @Override
    public void discard(long sectorOffset, long sectors) throws BlockException {
        checkOpen();
        Info g = info;
        if (sectorOffset < 0 || sectors < 0 || sectorOffset > g.sizeSectors() || sectors > g.sizeSectors() - sectorOffset) {
            throw new BlockException(BlockException.Reason.OUT_OF_RANGE, "sectors " + sectorOffset + "+" + sectors
                    + " lie outside " + name);
        }
        if (!g.readWrite()) {
            throw new BlockException(BlockException.Reason.READ_ONLY, name + " is read-only");
        }
        if (!discard || sectors == 0) {
            return;
        }
        control(Blkif.OP_DISCARD, sectorOffset * g.sectorSize() / Blkif.SECTOR, sectors * g.sectorSize() / Blkif.SECTOR,
                "discarding");
    }

    /** One request without data: flush, barrier, discard. */
    private void control(int op, long sector, long count, String doing) throws BlockException {
        long deadline = ctx.blocker().now() + IO_TIMEOUT.toNanos();
        int s = acquire(deadline);
        int status;
        try {
            synchronized (lock) {
                slotOp[s] = op;
                slotSector[s] = sector;
                slotBytes[s] = 0;
                slotSegments[s] = 0;
            }
            if (op == Blkif.OP_DISCARD) {
                pushDiscard(s, sector, count);
            } else {
                push(s);
            }
            status = await(s, deadline);
        } catch (BlockException e) {
            abandon(s);
            throw e;
        }
        release(s);
        if (status != Blkif.RSP_OKAY) {
            throw new BlockException(BlockException.Reason.IO, "the back end failed " + doing + " " + name + ": " + statusName(status));
        }
    }

    private void pushDiscard(int s, long sector, long count) throws BlockException {
        boolean notify;
        synchronized (lock) {
            FrontRing r = ring;
            if (r == null || !running) {
                slotState[s] = IN_FLIGHT;
                slotEpoch[s] = -1;
                return;
            }
            Blkif.discard(r.memory(), r.nextRequest(), vdev & 0xffff, s, sector, count);
            slotState[s] = IN_FLIGHT;
            slotEpoch[s] = epoch;
            notify = r.pushRequests();
        }
        if (notify) {
            try {
                ctx.hv().notify(port);
            } catch (HypervisorException e) {
                // closing
            }
        }
    }

    // ------------------------------------------------------------------ Device

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceKind kind() {
        return DeviceKind.BLOCK_BASIC;
    }

    @Override
    public int handle() {
        return handle;
    }

    /** The front end's published state (for tests). */
    public XenbusState frontendState() {
        return handshake.state();
    }

    /** Why the device failed for good, or null. */
    public String failure() {
        return failure;
    }

    /** Whether I/O runs now. */
    public boolean connected() {
        return running;
    }

    /** Closes the device: Closing, Closed, port left; calls in progress fail DISCONNECTED. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        down();
        node.unwatch(backend + "/state", token());
        if (handshake.state() != XenbusState.CLOSED) {
            handshake.close();
            FrontStates.closeOut(node, handshake);
        }
        ctx.events().unbind(port);
        ctx.hv().close(port);
        ctx.blocker().signalAll();
    }

    @Override
    public String toString() {
        return "blkfront " + name + " (vbd " + vdev + ", back end " + backend + ")";
    }

    /** A position in a list of buffers, moving without changing the buffers' own positions. */
    private static final class Cursor {
        private final List<ByteBuffer> buffers;
        private int index;
        private int offset;

        Cursor(List<ByteBuffer> buffers) {
            this.buffers = buffers;
            this.offset = buffers.isEmpty() ? 0 : buffers.get(0).position();
        }

        private void advance() {
            while (index < buffers.size() && offset >= buffers.get(index).limit()) {
                index++;
                if (index < buffers.size()) {
                    offset = buffers.get(index).position();
                }
            }
        }

        /** Copies the next {@code bytes} from the buffers into pages {@code first...}. */
        void copyOut(ByteBuffer[] pages, int first, int bytes) {
            int done = 0;
            while (done < bytes) {
                advance();
                ByteBuffer b = buffers.get(index);
                int n = Math.min(bytes - done, b.limit() - offset);
                int page = first + done / PAGE;
                int inPage = done % PAGE;
                n = Math.min(n, PAGE - inPage);
                pages[page].put(inPage, b, offset, n);
                offset += n;
                done += n;
            }
        }

        /** Copies {@code bytes} from pages {@code first...} into the next part of the buffers. */
        void copyIn(ByteBuffer[] pages, int first, int bytes) {
            int done = 0;
            while (done < bytes) {
                advance();
                ByteBuffer b = buffers.get(index);
                int n = Math.min(bytes - done, b.limit() - offset);
                int page = first + done / PAGE;
                int inPage = done % PAGE;
                n = Math.min(n, PAGE - inPage);
                b.put(offset, pages[page], inPage, n);
                offset += n;
                done += n;
            }
        }
    }
}
