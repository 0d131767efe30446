package ${package};

import mirage.core.RuntimeArg;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Job;

/**
 * The unikernel's description: its devices and boot arguments, checked by javac, run by the
 * link tool when it configures the image (mirage:image); nothing reaches it from the boot
 * class, so the linker leaves it out of the image.
 */
public final class Config implements Description {
    static final RuntimeArg<String> HELLO = RuntimeArg.string("hello", "hello", "How to say hello.");
    static final RuntimeArg<Integer> COUNT = RuntimeArg.integer("count", 4, "How many times to say hello.");

    @Override
    public Job describe() {
        return Job.named("${artifactId}")
                .start(Hello::start)
                .with(Devices.console())
                .with(Devices.sleep())
                .with(Devices.arg(HELLO))
                .with(Devices.arg(COUNT));
    }
}
