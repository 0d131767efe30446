import echo.Echo;
import java.time.Duration;
import mirage.core.RuntimeArg;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Impl;
import mirage.link.Job;
import mirage.tls.ServerConfig;

/**
 * The description of the echo unikernel: the direct stack on a network device named
 * {@code service}, bound at boot as Solo5's tenders do ({@code --net:service=tap0},
 * {@code --net:service=if:veth0} or {@code --net:service=unix:PATH}), addressed by
 * {@code --ipv4} (and {@code --ipv4-gateway}) or by DHCP; or, configured with
 * {@code --stack=host}, the host's sockets with ports shifted by {@code --port-offset}.
 *
 * <p>HTTPS with a TLS server configuration chosen by the configure key {@code --certs}:
 * {@code self-signed} (the default) makes a certificate for {@code --tls-name} at boot;
 * {@code boot} reads {@code server.pem} and {@code server.key} from the {@code KV_RO} device
 * {@code certs}, bound at boot with {@code --kv:certs=DIR} or {@code --kv:certs=FILE.tar};
 * {@code packed} from the files of this directory's {@code tls/}, packed into the image when it
 * is linked. No choice reads a host file after the devices are bound. The stack and TLS share
 * one random number generator.
 */
public final class Config implements Description {
    static final RuntimeArg<Duration> KEEPALIVE = RuntimeArg.duration("tcp-keepalive", Duration.ZERO,
            "TCP keepalive on the echo port: probe after this much silence, then every as much (0: off).");

    /** The TLS server configuration, by the configure key {@code --certs}. */
    static Impl<ServerConfig> tls() {
        return Devices.<ServerConfig>select("certs", "self-signed", Devices.tlsServerSelfSigned())
                .or("boot", Devices.tlsServer(Devices.kvRo("certs")))
                .or("packed", Devices.tlsServer(Devices.kvRoCrunched("certs", "tls")));
    }

    @Override
    public Job describe() {
        return Job.named("echo")
                .start(Echo::start)
                .with(Devices.console())
                .with(Devices.stack("service"))
                .with(Devices.arg(KEEPALIVE))
                .with(tls())
                .with(Devices.wallClock())
                .with(Devices.sleep());
    }
}
