package mirage.platform.xen.internal.binding.back;

import java.util.function.Consumer;
import mirage.core.spi.EventLoop;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.binding.xenstore.XenstoreClient;
import mirage.platform.xen.internal.hypervisor.Hypervisor;

/**
 * What the control domain's back ends share: the hypervisor, the event dispatch, an
 * in-process xenstore client, the loop they run on, and where they report.
 *
 * @param hv the control domain's view of the hypervisor
 * @param events its event dispatch
 * @param xs its xenstore client
 * @param loop its loop: back ends run their handlers here
 * @param log one line per thing that went wrong
 */
public record BackContext(Hypervisor hv, DomainEvents events, XenstoreClient xs, EventLoop loop, Consumer<String> log) {
    /** {@code /local/domain/<this domid>/backend/<kind>/<guest>/<devid>}. */
    public String backendDir(String kind, int guest, int devid) {
        return mirage.platform.xen.internal.wire.XsPath.domainPath(hv.domid()) + "/backend/" + kind + "/" + guest + "/" + devid;
    }
}
