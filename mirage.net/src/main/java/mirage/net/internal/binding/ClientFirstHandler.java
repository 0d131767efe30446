package mirage.net.internal.binding;

import java.util.Objects;
import mirage.net.Tcp;

/** A handler whose client speaks first ({@link Tcp.Handler#clientFirst}): it runs {@code handler}. */
public record ClientFirstHandler(Tcp.Handler handler) implements Tcp.Handler {
    public ClientFirstHandler {
        Objects.requireNonNull(handler, "handler");
    }

    @Override
    public void handle(Tcp.Connection connection) throws Exception {
        handler.handle(connection);
    }

    @Override
    public boolean clientSpeaksFirst() {
        return true;
    }
}
