import echo.Echo;
import java.time.Duration;
import mirage.core.RuntimeArg;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Job;

/**
 * The description of the echo unikernel: the direct stack on a network device named
 * {@code service}, bound at boot as Solo5's tenders do ({@code --net:service=tap0},
 * {@code --net:service=if:veth0} or {@code --net:service=unix:PATH}), addressed by
 * {@code --ipv4} (and {@code --ipv4-gateway}) or by DHCP; or, configured with
 * {@code --stack=host}, the host's sockets with ports shifted by {@code --port-offset}.
 */
public final class Config implements Description {
    static final RuntimeArg<Duration> KEEPALIVE = RuntimeArg.duration("tcp-keepalive", Duration.ZERO,
            "TCP keepalive on the echo port: probe after this much silence, then every as much (0: off).");

    static final RuntimeArg<String> TLS_CERT = RuntimeArg.string("tls-cert", "",
            "PEM file of the HTTPS server's certificate chain; with --tls-key. Self-signed when not given.");
    static final RuntimeArg<String> TLS_KEY = RuntimeArg.string("tls-key", "", "PEM file of the HTTPS server's private key.");
    static final RuntimeArg<String> TLS_NAME = RuntimeArg.string("tls-name", "localhost",
            "Host name of the self-signed certificate made at boot when --tls-cert is not given.");

    @Override
    public Job describe() {
        return Job.named("echo")
                .main(Echo.class)
                .start(Devices.console(), Devices.stack("service"), Devices.arg(KEEPALIVE), Devices.random(),
                        Devices.wallClock(), Devices.arg(TLS_CERT), Devices.arg(TLS_KEY), Devices.arg(TLS_NAME));
    }
}
