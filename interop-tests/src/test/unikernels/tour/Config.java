import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Job;
import mirage.time.Sleep;
import tour.Tour;

/**
 * The description of the tour unikernel (interop-tests' DeviceTourTest): every store and TLS
 * device of mirage.link on the host-socket stack, one of them (sleep) made by Devices.call
 * from a method reference; the DRBG, the loop, the wall clock and --port-offset are each one
 * node shared by their users; the scratch store is a separate instance of the memory store.
 */
public final class Config implements Description {
    @Override
    public Job describe() {
        return Job.named("tour")
                .start(Tour::start)
                .with(Devices.console())
                .with(Devices.hostStack())
                .with(Devices.arg(Devices.PORT_OFFSET))
                .with(Devices.call(Sleep::on, Devices.loop()))
                .with(Devices.memoryKv())
                .with(Devices.instance("scratch", Devices.memoryKv()))
                .with(Devices.tarKvRo(Devices.block("archive")))
                .with(Devices.tarKvRw(Devices.block("journal")))
                .with(Devices.blockGitStore(Devices.block("storage")))
                .with(Devices.tlsServer())
                .with(Devices.tlsClient());
    }
}
