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
 * HTTPS with the TLS server configuration of {@code --tls-cert} and {@code --tls-key}, or a
 * certificate for {@code --tls-name} made at boot; the stack and TLS share one random number
 * generator.
 */
public final class Config implements Description {
    static final RuntimeArg<Duration> KEEPALIVE = RuntimeArg.duration("tcp-keepalive", Duration.ZERO,
            "TCP keepalive on the echo port: probe after this much silence, then every as much (0: off).");

    @Override
    public Job describe() {
        return Job.named("echo")
                .start(Echo::start)
                .with(Devices.console())
                .with(Devices.stack("service"))
                .with(Devices.arg(KEEPALIVE))
                .with(Devices.tlsServer())
                .with(Devices.wallClock());
    }
}
