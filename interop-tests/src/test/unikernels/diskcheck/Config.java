import diskcheck.DiskCheck;
import mirage.core.RuntimeArg;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Job;

/**
 * A test unikernel for block devices: prints what sector 0 of its disk {@code storage} holds,
 * and with {@code --write=TEXT} first writes TEXT there and flushes.
 */
public final class Config implements Description {
    static final RuntimeArg<String> WRITE = RuntimeArg.string("write", "", "Text to write into sector 0 first.");

    @Override
    public Job describe() {
        return Job.named("diskcheck")
                .start(DiskCheck::start)
                .with(Devices.console())
                .with(Devices.block("storage"))
                .with(Devices.arg(WRITE));
    }
}
