import gitkv.GitKv;
import mirage.gitstore.GitStore;
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
    static Impl<GitStore> store() {
        return Devices.select("storage", "memory", Devices.memoryGitStore())
                .or("block", Devices.blockGitStore(Devices.block("storage")));
    }

    @Override
    public Job describe() {
        return Job.named("gitkv")
                .start(GitKv::start)
                .with(Devices.console())
                .with(Devices.stack("service"))
                .with(store())
                .with(Devices.wallClock())
                .with(Devices.sleep());
    }
}
