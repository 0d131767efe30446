package mirage.http;

import java.nio.ByteBuffer;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.http.internal.binding.ClientExchange;

/**
 * One HTTP/1.1 exchange on a connected flow, as curl makes it: the request (head and body
 * corked together, or one {@code writev} for a body in memory; the flow is not half-closed,
 * since a server may take that as the client leaving), then the response, interim 1xx ones
 * skipped, its body read as its head delimits it (RFC 9112 section 6.3: none for HEAD, 1xx,
 * 204, 304; chunked; Content-Length; else to the close) and handed to {@code body}.
 */
public interface HttpClient {

    /** Where the response body goes: each piece a view valid during the call. */
    @FunctionalInterface
    interface BodyConsumer {
        void accept(ByteBuffer data);
    }

    /**
     * Sends {@code request} on {@code flow} and reads the final response.
     *
     * @throws FlowException {@code PROTOCOL} if the response is malformed (its head, its chunked
     *     coding) or cut short (fewer bytes than its Content-Length, a chunked body without its
     *     last chunk, no whole head before the end); the flow's own failures as they come
     */
    static ClientResponse exchange(Flow flow, ClientRequest request, BodyConsumer body) throws FlowException {
        return new ClientExchange(flow).exchange(request, body);
    }
}
