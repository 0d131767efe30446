package mirage.http.internal.binding;

import java.nio.ByteBuffer;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.http.ClientRequest;
import mirage.http.ClientResponse;
import mirage.http.Content;
import mirage.http.HttpClient;
import mirage.http.internal.engine.ChunkedDecoder;
import mirage.http.internal.wire.Framing;
import mirage.http.internal.wire.Heads;
import mirage.http.internal.wire.ResponseHead;

/**
 * One exchange of {@code HttpClient}: writes the request, reads the final response and its body.
 * Single-threaded.
 */
public final class ClientExchange {
    private final Flow flow;
    private final Inbox in;

    public ClientExchange(Flow flow) {
        this.flow = java.util.Objects.requireNonNull(flow, "flow");
        this.in = new Inbox(flow, 64 * 1024);
    }

    public ClientResponse exchange(ClientRequest request, HttpClient.BodyConsumer consumer) throws FlowException {
        java.util.Objects.requireNonNull(consumer, "consumer");
        Content content = request.content();
        long length = switch (content) {
            case Content.Empty e -> request.method().equals("PUT") || request.method().equals("POST") ? 0 : -2;
            case Content.Bytes b -> b.bytes().length;
            case Content.Sized s -> s.length();
            case Content.Chunked c -> -1;
        };
        boolean expect = request.expectContinue() && length != 0 && length != -2;
        byte[] head = Heads.request(request.method(), request.target(), request.headers(), length, expect);
        boolean toHead = request.method().equals("HEAD");
        if (expect) {
            flow.write(ByteBuffer.wrap(head));
            ResponseHead first = nextHead(toHead);
            while (first.status() < 200 && first.status() != 100) {
                first = nextHead(toHead); // another interim response: wait on
            }
            if (first.status() != 100) {
                return body(first, consumer); // a final answer before the body: it is not sent
            }
            send(null, content);
        } else {
            send(head, content);
        }
        ResponseHead response = nextHead(toHead);
        while (response.status() < 200) {
            response = nextHead(toHead); // 1xx: an interim response; the final one follows
        }
        return body(response, consumer);
    }

    /** Writes {@code head} (if not null) and the body: one writev for a body in memory, else corked together. */
    private void send(byte[] head, Content content) throws FlowException {
        ByteBuffer h = head == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(head);
        switch (content) {
            case Content.Empty e -> flow.write(h);
            case Content.Bytes b -> flow.writev(h, ByteBuffer.wrap(b.bytes()));
            case Content.Sized s -> {
                if (!Bodies.writeSized(flow, head, s.length(), s.writer())) {
                    throw new IllegalStateException("the body is shorter than its length " + s.length());
                }
            }
            case Content.Chunked c -> Bodies.writeChunked(flow, head == null ? new byte[0] : head, c.writer(), false);
        }
    }

    /** Reads the next response head. */
    private ResponseHead nextHead(boolean toHead) throws FlowException {
        while (true) {
            ResponseHead.Parsed p = ResponseHead.parse(in.buf, in.pos, in.lim, toHead);
            switch (p) {
                case ResponseHead.Parsed.Bad b -> throw new FlowException(FlowException.Reason.PROTOCOL, b.reason());
                case ResponseHead.Parsed.Head h -> {
                    in.pos += h.length();
                    return h.head();
                }
                case ResponseHead.Parsed.More m -> {
                    if (in.fill() == Flow.EOF) {
                        throw new FlowException(FlowException.Reason.PROTOCOL,
                                "the server closed the connection before a whole response head (" + (in.lim - in.pos) + " bytes)");
                    }
                }
            }
        }
    }

    /** Reads the body after {@code head}, starting with what the buffer holds. */
    private ClientResponse body(ResponseHead head, HttpClient.BodyConsumer consumer) throws FlowException {
        long length = 0;
        switch (head.framing()) {
            case NONE -> { }
            case LENGTH, CLOSE -> {
                boolean bounded = head.framing() == Framing.LENGTH;
                long want = bounded ? head.contentLength() : Long.MAX_VALUE;
                while (length < want) {
                    if (in.lim == in.pos && in.fill() == Flow.EOF) {
                        if (bounded) {
                            throw new FlowException(FlowException.Reason.PROTOCOL, "the response was cut short: "
                                    + length + " of its Content-Length " + want + " bytes came before the connection ended");
                        }
                        break;
                    }
                    int n = (int) Math.min(in.lim - in.pos, want - length);
                    consumer.accept(ByteBuffer.wrap(in.buf, in.pos, n).slice());
                    in.pos += n;
                    length += n;
                }
            }
            case CHUNKED -> {
                ChunkedDecoder decoder = new ChunkedDecoder();
                long[] total = {0};
                ChunkedDecoder.Sink sink = data -> {
                    total[0] += data.remaining();
                    consumer.accept(data);
                };
                try {
                    while (true) {
                        ByteBuffer coded = ByteBuffer.wrap(in.buf, in.pos, in.lim - in.pos);
                        decoder.feed(coded, sink);
                        in.pos = coded.position();
                        if (decoder.done()) {
                            break;
                        }
                        if (in.fill() == Flow.EOF) {
                            throw new FlowException(FlowException.Reason.PROTOCOL, "the response was cut short: the connection "
                                    + "ended after " + total[0] + " bytes of a chunked body, before its last chunk");
                        }
                    }
                } catch (ChunkedDecoder.MalformedException e) {
                    throw new FlowException(FlowException.Reason.PROTOCOL, "malformed chunked body: " + e.getMessage(), e);
                }
                length = total[0];
            }
        }
        return new ClientResponse(head.statusLine(), head.status(), head.headers(), length);
    }
}
