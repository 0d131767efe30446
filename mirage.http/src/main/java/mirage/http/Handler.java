package mirage.http;

import mirage.core.FlowException;

/**
 * Answers one request. Called on the connection's thread, one request at a time, in the order
 * the requests came (pipelined ones too).
 */
@FunctionalInterface
public interface Handler {
    /**
     * The response to {@code request}. A {@link FlowException} (reading the body failed) ends
     * the connection with the answer the failure calls for (400, 408, 413) if no response was
     * started; any other exception is answered with 500, and the connection is closed.
     */
    Response handle(Request request) throws FlowException;
}
