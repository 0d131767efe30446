package mirage.platform.xen.internal.binding.front;

import java.util.function.Consumer;
import mirage.platform.xen.internal.binding.event.Blocker;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.binding.xenstore.XenstoreClient;
import mirage.platform.xen.internal.hypervisor.Hypervisor;

/**
 * What a guest's drivers share: the hypervisor, the event dispatch, the xenstore client, how
 * to wait, and where to report (one line each, on the console).
 *
 * @param hv the guest's view of the hypervisor
 * @param events its event dispatch
 * @param xs its xenstore client
 * @param blocker how its code waits
 * @param log where a driver reports what went wrong
 */
public record FrontContext(Hypervisor hv, DomainEvents events, XenstoreClient xs, Blocker blocker, Consumer<String> log) {
    /** {@code /local/domain/<domid>/device/<kind>/<devid>}. */
    public String deviceDir(String kind, int devid) {
        return mirage.platform.xen.internal.wire.XsPath.domainPath(hv.domid()) + "/device/" + kind + "/" + devid;
    }
}
