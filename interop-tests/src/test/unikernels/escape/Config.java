import escape.Escape;
import mirage.core.RuntimeArg;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Job;

/**
 * The description of the escape unikernel (interop-tests' SandboxImageTest): a console and the
 * path of a host file it tries to read after boot.
 */
public final class Config implements Description {
    static final RuntimeArg<String> FILE = RuntimeArg.string("file", "/etc/hostname", "A host file to try to read.");

    @Override
    public Job describe() {
        return Job.named("escape")
                .start(Escape::start)
                .with(Devices.console())
                .with(Devices.arg(FILE));
    }
}
