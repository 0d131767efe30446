import hello.Hello;
import mirage.core.RuntimeArg;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Job;

/** The description of the hello unikernel: what MirageOS writes as its config.ml. */
public final class Config implements Description {
    static final RuntimeArg<String> HELLO = RuntimeArg.string("hello", "hello", "How to say hello.");
    static final RuntimeArg<Integer> COUNT = RuntimeArg.integer("count", 4, "How many times to say hello.");

    @Override
    public Job describe() {
        return Job.named("hello")
                .main(Hello.class)
                .start(Devices.console(), Devices.sleep(), Devices.arg(HELLO), Devices.arg(COUNT));
    }
}
