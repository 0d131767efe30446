package mirage.gitstore.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import mirage.core.Flow;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.BasePackFetchConnection;
import org.eclipse.jgit.transport.BasePackPushConnection;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackTransport;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;

/**
 * JGit's git:// client (the git-daemon protocol: one request line, then upload-pack or
 * receive-pack, protocol v0) over a {@link Flow} that is already connected. One connection per
 * transport: a fetch or a push, not both.
 */
final class FlowTransport extends Transport implements PackTransport {
    private final Flow flow;
    private final String path;
    private final String host;

    FlowTransport(Repository local, Flow flow, String host, String path) {
        super(local, uri(host, path));
        this.flow = flow;
        this.path = path;
        this.host = host;
    }

    private static URIish uri(String host, String path) {
        return new URIish().setScheme("git").setHost(host).setPath(path);
    }

    private void request(org.eclipse.jgit.transport.PacketLineOut out, String service) throws IOException {
        out.writeString(service + " " + path + "\0host=" + host + "\0");
        out.flush();
    }

    @Override
    public FetchConnection openFetch() throws NotSupportedException, TransportException {
        return new Fetch();
    }

    @Override
    public PushConnection openPush() throws NotSupportedException, TransportException {
        return new Push();
    }

    @Override
    public void close() {
        flow.close();
    }

    private final class Fetch extends BasePackFetchConnection {
        Fetch() throws TransportException {
            super(FlowTransport.this);
            init(new BufferedInputStream(FlowStreams.in(flow)), new BufferedOutputStream(FlowStreams.out(flow)));
            try {
                request(pckOut, "git-upload-pack");
            } catch (IOException e) {
                throw new TransportException(uri, "sending the request: " + e.getMessage(), e);
            }
            readAdvertisedRefs();
        }
    }

    private final class Push extends BasePackPushConnection {
        Push() throws TransportException {
            super(FlowTransport.this);
            init(new BufferedInputStream(FlowStreams.in(flow)), new BufferedOutputStream(FlowStreams.out(flow)));
            try {
                request(pckOut, "git-receive-pack");
            } catch (IOException e) {
                throw new TransportException(uri, "sending the request: " + e.getMessage(), e);
            }
            readAdvertisedRefs();
        }
    }
}
