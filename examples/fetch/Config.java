import fetch.Fetch;
import mirage.core.RuntimeArg;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Job;

/**
 * The description of the fetch unikernel: one HTTP/1.1 GET (or PUT) over the stack of examples/echo
 * (the direct stack on device {@code service}, or {@code --stack=host}), reported on the
 * console, then exit.
 */
public final class Config implements Description {
    static final RuntimeArg<String> SERVER = RuntimeArg.string("server", "10.0.0.1", "IPv4 or IPv6 address of the HTTP server (an IPv6 literal with or without brackets).");
    static final RuntimeArg<Integer> PORT = RuntimeArg.integer("port", 80, "TCP port of the HTTP server.");
    static final RuntimeArg<String> PATH = RuntimeArg.string("path", "/", "Path to GET.");
    static final RuntimeArg<String> URL = RuntimeArg.string("url", "",
            "http://HOST[:PORT]/PATH to fetch, HOST an IPv4 address or an IPv6 address in brackets; given, it replaces --server, --port and --path.");
    static final RuntimeArg<Long> PUT = RuntimeArg.longInteger("put", 0,
            "PUT this many bytes (byte i = i mod 251) to the path instead of a GET (0: GET).");

    @Override
    public Job describe() {
        return Job.named("fetch")
                .start(Fetch::start)
                .with(Devices.console())
                .with(Devices.stack("service"))
                .with(Devices.monotonicClock())
                .with(Devices.arg(SERVER))
                .with(Devices.arg(PORT))
                .with(Devices.arg(PATH))
                .with(Devices.arg(PUT))
                .with(Devices.arg(URL));
    }
}
