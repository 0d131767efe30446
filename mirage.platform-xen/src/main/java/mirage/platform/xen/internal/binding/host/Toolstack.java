package mirage.platform.xen.internal.binding.host;

import java.util.List;
import mirage.platform.xen.internal.binding.xenstore.XenstoreClient;
import mirage.platform.xen.internal.binding.xenstore.XenstoreException;
import mirage.platform.xen.internal.wire.XenbusState;
import mirage.platform.xen.internal.wire.XsPath;
import mirage.platform.xen.internal.wire.XsPermission;

/**
 * The part of a Xen toolstack (libxl) that writes xenstore: a domain's directory, its store
 * and console nodes, INTRODUCE to xenstored, and for each device both ends' directories with
 * the permissions libxl gives them (the front end's owned by the guest and readable by the
 * back end's domain, the back end's owned by the back end and readable by the guest), each
 * device in one transaction. The names and values are libxl's.
 */
public final class Toolstack {
    /** {@code xvda}'s {@code virtual-device} number (docs/misc/vbd-interface.txt: 202 << 8). */
    public static final int XVDA = 51712;

    private final XenstoreClient xs;
    private final int backendDomid;

    /** @param xs a client connected as the control domain */
    public Toolstack(XenstoreClient xs, int backendDomid) {
        this.xs = xs;
        this.backendDomid = backendDomid;
    }

    private static XsPermission perm(XsPermission.Access a, int domid) {
        return new XsPermission(a, domid);
    }

    /**
     * Writes domain {@code domid}'s directory and introduces it to xenstored: name, domid, vm,
     * memory target, store and console nodes, and writable {@code device}, {@code data},
     * {@code control} directories.
     */
    public void createDomain(int domid, String name, long storeFrame, int storePort, long consoleFrame, int consolePort,
            long memoryKiB) throws XenstoreException {
        String dom = XsPath.domainPath(domid);
        String uuid = String.format("00000000-0000-4000-8000-%012x", domid);
        xs.transaction(tx -> {
            tx.mkdir(dom);
            tx.setPerms(dom, List.of(perm(XsPermission.Access.NONE, backendDomid), perm(XsPermission.Access.READ, domid)));
            tx.write(dom + "/name", name);
            tx.write(dom + "/domid", Integer.toString(domid));
            tx.write(dom + "/vm", "/vm/" + uuid);
            tx.write(dom + "/memory/target", Long.toString(memoryKiB));
            tx.write(dom + "/store/port", Integer.toString(storePort));
            tx.write(dom + "/store/ring-ref", Long.toString(storeFrame));
            tx.write(dom + "/console/port", Integer.toString(consolePort));
            tx.write(dom + "/console/ring-ref", Long.toString(consoleFrame));
            tx.write(dom + "/console/limit", "1048576");
            tx.write(dom + "/console/type", "xenconsoled");
            tx.write(dom + "/console/output", "pty");
            for (String rw : List.of("device", "data", "control", "error", "drivers", "attr")) {
                tx.mkdir(dom + "/" + rw);
                tx.setPerms(dom + "/" + rw, List.of(perm(XsPermission.Access.NONE, domid)));
            }
            tx.write("/vm/" + uuid + "/name", name);
            tx.write("/vm/" + uuid + "/uuid", uuid);
            return null;
        });
        xs.introduce(domid, storeFrame, storePort);
    }

    /**
     * Adds network device {@code devid}: {@code device/vif/<devid>} for the guest and
     * {@code backend/vif/<domid>/<devid>} for the back end, both Initialising.
     *
     * @param mac the guest's MAC, e.g. {@code 00:16:3e:xx:xx:xx}
     * @param bridge what the back end's interface is bridged to (a TAP, for the simulated host)
     */
    public void addVif(int domid, int devid, String mac, String bridge, int mtu) throws XenstoreException {
        String front = XsPath.domainPath(domid) + "/device/vif/" + devid;
        String back = XsPath.domainPath(backendDomid) + "/backend/vif/" + domid + "/" + devid;
        xs.transaction(tx -> {
            tx.mkdir(front);
            tx.setPerms(front, List.of(perm(XsPermission.Access.NONE, domid), perm(XsPermission.Access.READ, backendDomid)));
            tx.write(front + "/backend", back);
            tx.write(front + "/backend-id", Integer.toString(backendDomid));
            tx.write(front + "/handle", Integer.toString(devid));
            tx.write(front + "/mac", mac);
            tx.write(front + "/mtu", Integer.toString(mtu));
            tx.write(front + "/state", XenbusState.INITIALISING.text());
            tx.mkdir(back);
            tx.setPerms(back, List.of(perm(XsPermission.Access.NONE, backendDomid), perm(XsPermission.Access.READ, domid)));
            tx.write(back + "/frontend", front);
            tx.write(back + "/frontend-id", Integer.toString(domid));
            tx.write(back + "/online", "1");
            tx.write(back + "/script", "/etc/xen/scripts/vif-bridge");
            tx.write(back + "/mac", mac);
            tx.write(back + "/bridge", bridge);
            tx.write(back + "/handle", Integer.toString(devid));
            tx.write(back + "/type", "vif");
            tx.write(back + "/state", XenbusState.INITIALISING.text());
            return null;
        });
    }

    /**
     * Adds disk {@code vdev} ({@link #XVDA} for the first): {@code device/vbd/<vdev>} and
     * {@code backend/vbd/<domid>/<vdev>}, both Initialising; the back end opens {@code params}.
     */
    public void addVbd(int domid, int vdev, String params, boolean writable) throws XenstoreException {
        String front = XsPath.domainPath(domid) + "/device/vbd/" + vdev;
        String back = XsPath.domainPath(backendDomid) + "/backend/vbd/" + domid + "/" + vdev;
        xs.transaction(tx -> {
            tx.mkdir(front);
            tx.setPerms(front, List.of(perm(XsPermission.Access.NONE, domid), perm(XsPermission.Access.READ, backendDomid)));
            tx.write(front + "/backend", back);
            tx.write(front + "/backend-id", Integer.toString(backendDomid));
            tx.write(front + "/virtual-device", Integer.toString(vdev));
            tx.write(front + "/device-type", "disk");
            tx.write(front + "/state", XenbusState.INITIALISING.text());
            tx.mkdir(back);
            tx.setPerms(back, List.of(perm(XsPermission.Access.NONE, backendDomid), perm(XsPermission.Access.READ, domid)));
            tx.write(back + "/frontend", front);
            tx.write(back + "/frontend-id", Integer.toString(domid));
            tx.write(back + "/online", "1");
            tx.write(back + "/removable", "0");
            tx.write(back + "/bootable", "1");
            tx.write(back + "/dev", "xvd" + (char) ('a' + (vdev - XVDA) / 16));
            tx.write(back + "/type", "file");
            tx.write(back + "/mode", writable ? "w" : "r");
            tx.write(back + "/device-type", "disk");
            tx.write(back + "/params", params);
            tx.write(back + "/state", XenbusState.INITIALISING.text());
            return null;
        });
    }

    /** Removes a domain's directory and releases it from xenstored. */
    public void destroyDomain(int domid) throws XenstoreException {
        xs.release(domid);
        xs.rm(XsPath.domainPath(domid));
        xs.rm(XsPath.domainPath(backendDomid) + "/backend/vif/" + domid);
        xs.rm(XsPath.domainPath(backendDomid) + "/backend/vbd/" + domid);
    }
}
