import echo.Echo;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Job;

/**
 * The description of the echo unikernel: the direct stack on a network device named
 * {@code service}, bound at boot as Solo5's tenders do ({@code --net:service=tap0} or
 * {@code --net:service=unix:PATH}), addressed by {@code --ipv4} (and {@code --ipv4-gateway})
 * or by DHCP.
 */
public final class Config implements Description {
    @Override
    public Job describe() {
        return Job.named("echo")
                .main(Echo.class)
                .start(Devices.console(), Devices.stack("service"));
    }
}
