package mirage.http.internal.binding;

import java.nio.ByteBuffer;
import java.time.Duration;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.http.Body;
import mirage.http.Content;
import mirage.http.Handler;
import mirage.http.Request;
import mirage.http.Response;
import mirage.http.ServerOptions;
import mirage.http.Timeouts;
import mirage.http.internal.engine.ChunkedDecoder;
import mirage.http.internal.wire.Framing;
import mirage.http.internal.wire.Heads;
import mirage.http.internal.wire.RequestHead;

/**
 * One connection of {@code HttpServer.serve}: reads request heads into its buffer, hands each
 * request to the handler, writes its response, and ends the connection as RFC 9112 section 9
 * says. Single-threaded: the thread that calls {@link #run} does every read and write.
 *
 * <p>The {@link Inbox} holds the bytes read and not yet consumed: the next
 * request head, the start of a body, pipelined requests. Bodies are read from it first, then
 * from the flow.
 */
public final class ServerConnection {
    /** The least a lingering close reads before it gives up on the client's closing. */
    private static final long MIN_LINGER_BYTES = 1 << 20;

    private final Flow flow;
    private final ServerOptions options;
    private final Handler handler;
    private final Inbox in;
    /** Whether the flow applies read timeouts, and the one in force. */
    private boolean timed;
    private Duration timeout;
    private boolean corked;
    /** When the first bytes of the head being read came ({@link ServerOptions#clock()}'s), or null. */
    private java.time.Instant headStart;

    public ServerConnection(Flow flow, ServerOptions options, Handler handler) {
        this.flow = java.util.Objects.requireNonNull(flow, "flow");
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.handler = java.util.Objects.requireNonNull(handler, "handler");
        this.in = new Inbox(flow, options.maxHeadBytes() + 1024);
    }

    /** Serves until the connection is done. */
    public void run() throws FlowException {
        Timeouts t = options.timeouts();
        timed = flow.readTimeout(t.idle());
        timeout = t.idle();
        while (true) {
            RequestHead.Parsed p = RequestHead.parse(in.buf, in.pos, in.lim, options.maxHeadBytes());
            // instanceof, not a pattern switch: its typeSwitch call site spins a class on the
            // first request of every boot (docs/decisions/0006, 0073)
            if (p instanceof RequestHead.Parsed.More) {
                uncork(); // every request read so far is answered: the responses leave together
                boolean begun = in.lim > in.pos;
                Duration wait = begun ? t.head() : t.idle();
                if (begun && headStart == null && options.clock() != null) {
                    headStart = options.clock().instant(); // a pipelined head, begun in the last read
                }
                if (begun && headStart != null && !wait.isZero()) {
                    // the whole head within the head timeout: what is left of it
                    wait = wait.minus(Duration.between(headStart, options.clock().instant()));
                    if (wait.isNegative() || wait.isZero()) {
                        refuse(408, "Request Timeout", "no whole request head in " + t.head());
                        return;
                    }
                }
                timeout(wait);
                int n;
                try {
                    n = in.fill();
                } catch (FlowException e) {
                    if (e.reason() != FlowException.Reason.TIMEOUT) {
                        throw e;
                    }
                    if (begun) {
                        refuse(408, "Request Timeout", "no whole request head in time");
                    } // else an idle connection: closed without an answer (RFC 9112 section 9.5)
                    return;
                }
                if (n == Flow.EOF) {
                    flow.shutdown(Flow.Direction.WRITE); // the client is done, and so are we
                    return;
                }
                if (!begun && options.clock() != null) {
                    headStart = options.clock().instant(); // the first bytes of a head
                }
            } else if (p instanceof RequestHead.Parsed.Bad b) {
                uncork();
                refuse(b.status(), b.reason(), b.detail());
                return;
            } else if (p instanceof RequestHead.Parsed.Head h) {
                headStart = null;
                in.pos += h.length();
                if (!exchange(h.head())) {
                    return;
                }
                // Pipelined requests already here: their responses leave together, once every
                // request read so far is answered (no response waits behind another's ACK).
                if (in.lim > in.pos && !corked) {
                    flow.cork();
                    corked = true;
                }
            }
        }
    }

    /** Answers one request; whether the connection goes on. */
    private boolean exchange(RequestHead head) throws FlowException {
        if (head.framing() == Framing.LENGTH && head.contentLength() > options.maxBodyBytes()) {
            uncork();
            refuse(413, "Content Too Large", "a body over " + options.maxBodyBytes() + " bytes");
            return false;
        }
        RequestBody body = new RequestBody(head);
        Request request = new Request(head.method(), head.target(), head.minorVersion(), head.headers(), body);
        Response response;
        try {
            response = handler.handle(request);
        } catch (FlowException e) {
            body.handlerDone = true;
            if (body.failedStatus == 0) {
                throw e; // the connection itself failed
            }
            uncork();
            refuse(body.failedStatus, body.failedReason, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            body.handlerDone = true;
            uncork();
            refuse(500, "Internal Server Error", "the handler failed: " + e);
            return false;
        }
        body.handlerDone = true;
        boolean persistent = head.persistent();
        if (!body.complete()) {
            // the client waits for 100 Continue before its body: it may never send it
            persistent = persistent && !(head.expectContinue() && !body.continued) && body.discard();
        }
        return respond(head, response, persistent) && persistent;
    }

    /** Writes {@code r}; false if the body could not be sent whole (the connection must end). */
    private boolean respond(RequestHead request, Response r, boolean persistent) throws FlowException {
        boolean headOnly = request.method().equals("HEAD");
        boolean noBody = r.status() == 204 || r.status() == 304;
        String server = options.serverName();
        Content content = r.content();
        if (content instanceof Content.Chunked && request.minorVersion() == 0) {
            persistent = false; // an HTTP/1.0 client knows no chunked coding: the body ends with the connection
        }
        boolean ok = true;
        // instanceof, not a pattern switch (docs/decisions/0006, 0073); Content is sealed to these four
        if (content instanceof Content.Empty) {
            flow.write(ByteBuffer.wrap(Heads.response(r.status(), r.reason(), server, r.headers(), noBody ? -2 : 0, persistent)));
        } else if (content instanceof Content.Bytes b) {
            byte[] h = Heads.response(r.status(), r.reason(), server, r.headers(), noBody ? -2 : b.bytes().length, persistent);
            if (headOnly || noBody) {
                flow.write(ByteBuffer.wrap(h));
            } else {
                flow.writev(ByteBuffer.wrap(h), ByteBuffer.wrap(b.bytes())); // one message: one segment when it fits
            }
        } else if (content instanceof Content.Sized s) {
            byte[] h = Heads.response(r.status(), r.reason(), server, r.headers(), noBody ? -2 : s.length(), persistent);
            if (headOnly || noBody) {
                flow.write(ByteBuffer.wrap(h));
            } else {
                ok = Bodies.writeSized(flow, h, s.length(), s.writer());
            }
        } else {
            Content.Chunked c = (Content.Chunked) content;
            boolean raw = request.minorVersion() == 0;
            byte[] h = Heads.response(r.status(), r.reason(), server, r.headers(), noBody || raw ? -2 : -1, persistent);
            if (headOnly || noBody) {
                flow.write(ByteBuffer.wrap(h));
            } else {
                Bodies.writeChunked(flow, h, c.writer(), raw);
            }
        }
        if (!persistent || !ok) {
            uncork();
            closeLingering();
            return false;
        }
        return true;
    }

    /** Answers {@code status} with a short text body and {@code Connection: close}, then closes lingering. */
    private void refuse(int status, String reason, String detail) throws FlowException {
        byte[] body = (status + " " + reason + ": " + detail + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] h = Heads.response(status, reason, options.serverName(),
                mirage.http.Headers.of("Content-Type", "text/plain; charset=utf-8"), body.length, false);
        flow.writev(ByteBuffer.wrap(h), ByteBuffer.wrap(body));
        closeLingering();
    }

    /**
     * Shuts down the sending half and reads what the client still sends until it closes, at most
     * the larger of the body limit and 1 MiB, or the linger timeout (a lingering close, RFC 9112
     * section 9.6): so that the answer is not lost to a reset.
     */
    private void closeLingering() throws FlowException {
        flow.shutdown(Flow.Direction.WRITE);
        timeout(options.timeouts().linger());
        long bound = Math.max(options.maxBodyBytes(), MIN_LINGER_BYTES);
        ByteBuffer sink = ByteBuffer.allocate(4096);
        long total = in.lim - in.pos;
        in.pos = in.lim;
        try {
            while (total < bound) {
                int n = flow.read(sink.clear());
                if (n == Flow.EOF) {
                    return;
                }
                total += n;
            }
        } catch (FlowException e) {
            // the client went, or lingered too long: nothing more to do
        }
    }

    private void uncork() throws FlowException {
        if (corked) {
            corked = false;
            flow.uncork();
        }
    }

    private void timeout(Duration d) {
        if (timed && !d.equals(timeout)) {
            flow.readTimeout(d);
            timeout = d;
        }
    }

    /** The body of the request being handled: from the buffer first, then the flow. */
    private final class RequestBody implements Body {
        private final RequestHead head;
        private final ChunkedDecoder chunks;
        private long consumed;
        private boolean done;
        boolean handlerDone;
        boolean continued;
        /** The answer a failed read calls for (400, 408, 413), or 0 if the flow itself failed. */
        int failedStatus;
        String failedReason;
        private FlowException failure;

        RequestBody(RequestHead head) {
            this.head = head;
            this.chunks = head.framing() == Framing.CHUNKED ? new ChunkedDecoder() : null;
            this.done = head.framing() == Framing.NONE;
        }

        @Override
        public long length() {
            return switch (head.framing()) {
                case LENGTH -> head.contentLength();
                case CHUNKED -> -1;
                default -> 0;
            };
        }

        boolean complete() {
            return done;
        }

        @Override
        public int read(ByteBuffer dst) throws FlowException {
            if (handlerDone) {
                throw new IllegalStateException("the request body is read while the handler runs, not after");
            }
            if (!dst.hasRemaining()) {
                throw new IllegalArgumentException("read buffer has no space remaining");
            }
            return next(dst);
        }

        private int next(ByteBuffer dst) throws FlowException {
            if (failure != null) {
                throw failure;
            }
            if (done) {
                return Flow.EOF;
            }
            if (head.expectContinue() && !continued && in.lim == in.pos) {
                uncork();
                flow.write(ByteBuffer.wrap(Heads.CONTINUE)); // else the client waits (curl: 1 s) before it sends the body
            }
            continued = true;
            timeout(options.timeouts().body());
            try {
                return head.framing() == Framing.LENGTH ? nextOfLength(dst) : nextChunk(dst);
            } catch (FlowException e) {
                if (failure == null) {
                    failure = e;
                    if (e.reason() == FlowException.Reason.TIMEOUT) {
                        failedStatus = 408;
                        failedReason = "Request Timeout";
                    }
                }
                throw e;
            }
        }

        private int nextOfLength(ByteBuffer dst) throws FlowException {
            long left = head.contentLength() - consumed;
            int n;
            if (in.lim > in.pos) {
                n = (int) Math.min(Math.min(left, in.lim - in.pos), dst.remaining());
                dst.put(in.buf, in.pos, n);
                in.pos += n;
            } else {
                int limit = dst.limit();
                dst.limit(dst.position() + (int) Math.min(dst.remaining(), left));
                try {
                    n = flow.read(dst);
                } finally {
                    dst.limit(limit);
                }
                if (n == Flow.EOF) {
                    throw fail(400, "Bad Request", "the request body was cut short: " + consumed + " of its "
                            + head.contentLength() + " bytes came before the connection ended");
                }
            }
            consumed += n;
            done = consumed == head.contentLength();
            return n;
        }

        private int nextChunk(ByteBuffer dst) throws FlowException {
            while (true) {
                if (in.lim > in.pos) {
                    ByteBuffer coded = ByteBuffer.wrap(in.buf, in.pos, in.lim - in.pos);
                    int before = dst.position();
                    try {
                        chunks.decode(coded, dst);
                    } catch (ChunkedDecoder.MalformedException e) {
                        throw fail(400, "Bad Request", "malformed chunked body: " + e.getMessage());
                    }
                    in.pos = coded.position();
                    int n = dst.position() - before;
                    consumed += n;
                    if (consumed > options.maxBodyBytes()) {
                        throw fail(413, "Content Too Large", "a chunked body over " + options.maxBodyBytes() + " bytes");
                    }
                    done = chunks.done();
                    if (n > 0) {
                        return n;
                    }
                    if (done) {
                        return Flow.EOF;
                    }
                }
                if (in.fill() == Flow.EOF) {
                    throw fail(400, "Bad Request", "the chunked request body was cut short before its last chunk");
                }
            }
        }

        private FlowException fail(int status, String reason, String message) {
            failedStatus = status;
            failedReason = reason;
            failure = new FlowException(FlowException.Reason.PROTOCOL, message);
            return failure;
        }

        /** Reads and drops the rest of the body; whether it came whole. */
        boolean discard() {
            ByteBuffer scratch = ByteBuffer.allocate(16 * 1024);
            try {
                while (next(scratch.clear()) != Flow.EOF) {
                    // dropped
                }
                return true;
            } catch (FlowException e) {
                return false;
            }
        }
    }
}
