import gitkv.GitKv;
import java.util.LinkedHashMap;
import java.util.List;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Impl;
import mirage.link.Job;

/**
 * The description of the gitkv unikernel: a git store behind HTTP on port 80 and the git
 * protocol on port 9418, on the stack of examples/echo (the direct stack on device
 * {@code service}, or {@code --stack=host}). The configure key {@code --storage} picks where
 * the store lives: {@code memory} (the default) or {@code block}, a block device named
 * {@code storage} bound at boot with {@code --block:storage=PATH}.
 */
public final class Config implements Description {
    static Impl store() {
        LinkedHashMap<String, Impl> choices = new LinkedHashMap<>();
        choices.put("memory", new Impl.Call("mirage.gitstore", "mirage.gitstore.GitStore", "memory", "mirage.gitstore.GitStore",
                Impl.Dispatch.STATIC_INTERFACE, List.of(Devices.wallClock())));
        choices.put("block", new Impl.Call("mirage.gitstore", "mirage.gitstore.GitStore", "onBlock", "mirage.gitstore.GitStore",
                Impl.Dispatch.STATIC_INTERFACE, List.of(Devices.block("storage"), Devices.wallClock())));
        return new Impl.Select("storage", "memory", choices);
    }

    @Override
    public Job describe() {
        return Job.named("gitkv")
                .main(GitKv.class)
                .start(Devices.console(), Devices.stack("service"), store());
    }
}
