package mirage.http;

import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.http.internal.binding.ServerConnection;

/**
 * Serves HTTP/1.1 (and 1.0) on one connection, e.g. as a TCP listener's handler:
 * {@code stack.tcp().listen(80, c -> HttpServer.serve(c, options, handler))}.
 *
 * <ul>
 *   <li>Requests are parsed as they arrive, bounded by {@link ServerOptions}: a malformed one
 *       gets 400, a head too long 431, an HTTP version other than 1.x 505, a transfer coding
 *       other than chunked 501, a body too long 413; each then closes the connection.</li>
 *   <li>Persistent connections (HTTP/1.1 by default, HTTP/1.0 with {@code keep-alive}) and
 *       pipelining: requests are answered in order; while further requests are already read,
 *       the responses are corked and leave together once all of them are answered.</li>
 *   <li>Request bodies by Content-Length or chunked; {@code Expect: 100-continue} answered
 *       when the handler reads the body; a response's body in memory, of known length or
 *       chunked ({@link Content}).</li>
 *   <li>Closing: when the client asks, on an error, or when a body could not be read to its
 *       end, the server sends its response, shuts down its sending half and reads what the
 *       client still sends (a lingering close, RFC 9112 section 9.6: at most
 *       {@code maxBodyBytes}, or the linger timeout) so that the client reads the response
 *       rather than a reset.</li>
 * </ul>
 *
 * <p>Returns when the connection is done (the client closed, asked to close, was refused or
 * timed out); does not close {@code flow}, which belongs to the caller.
 */
public interface HttpServer {

    /** Serves {@code flow} with {@link ServerOptions#DEFAULT}. */
    static void serve(Flow flow, Handler handler) throws FlowException {
        serve(flow, ServerOptions.DEFAULT, handler);
    }

    /**
     * Serves requests on {@code flow} with {@code handler} until the connection is done.
     *
     * @throws FlowException the flow's own failures (the client reset the connection); a
     *     client's protocol errors are answered, not thrown
     */
    static void serve(Flow flow, ServerOptions options, Handler handler) throws FlowException {
        new ServerConnection(flow, options, handler).run();
    }
}
