package mirage.platform.xen.internal.binding.host;

import java.nio.ByteBuffer;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.spi.Device;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.platform.xen.internal.binding.back.Netback;
import mirage.platform.xen.internal.binding.front.Netfront;
import mirage.platform.xen.internal.binding.front.XenDeviceException;
import mirage.platform.xen.internal.binding.xenstore.XenstoreException;

/**
 * Attaches one {@code NET_BASIC} device of a {@link XenPlatform}: the toolstack's vif nodes,
 * netback in domain 0 bridged to the host's end (what Solo5's binder attached: a TAP, an
 * interface, a framed socket), netfront in the guest. The one class the platform calls that
 * touches {@code mirage.net}: loaded only for images with network devices.
 *
 * <p>The bridge forwards every frame both ways unchanged, as a Linux bridge with the vif and
 * the TAP as its two ports does; frames a side cannot take are dropped (and counted by that
 * side's statistics).
 */
final class NetAttach {
    /** The address Linux gives a vif's back-end interface, which never sends frames of its own. */
    private static final String BACKEND_MAC = "fe:ff:ff:ff:ff:ff";

    private NetAttach() {}

    static Device attach(XenPlatform p, String name, int handle, String option, String hostValue, Device hostEnd,
            String macText, int devid) throws ArgumentException {
        // macText: given, or drawn by the platform (it is never null here)
        Netif host = (Netif) hostEnd;
        MacAddress mac;
        try {
            mac = MacAddress.parse(macText);
        } catch (IllegalArgumentException e) {
            throw new ArgumentException(Problem.MALFORMED, "--net-mac:" + name, "--net-mac:" + name + "=" + macText
                    + " is not a MAC address: " + e.getMessage());
        }
        int mtu = host.mtu();
        int guest = p.guestDomid();
        String guestMac = mac.toString();
        p.inDom0(ts -> {
            try {
                ts.addVif(guest, devid, guestMac, hostValue, mtu);
            } catch (XenstoreException e) {
                throw XenPlatform.failed(option, "cannot write the vif's xenstore nodes", e);
            }
            Netback nb = Netback.start(p.back(), guest, devid, MacAddress.parse(BACKEND_MAC), mtu);
            nb.listen(new Forward(host));
            host.listen(new Forward(nb));
            p.backend(nb);
        });
        try {
            return Netfront.open(p.front(), name, handle, devid, XenPlatform.CONNECT_TIMEOUT);
        } catch (XenDeviceException e) {
            throw XenPlatform.failed(option, "netfront", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw XenPlatform.failed(option, "interrupted while connecting", e);
        }
    }

    /** One direction of the bridge. */
    private record Forward(Netif to) implements Netif.FrameReceiver {
        @Override
        public void receive(ByteBuffer frame) {
            try {
                to.send(frame);
            } catch (NetException e) {
                // dropped: the receiving side counts what it could not take
            }
        }
    }
}
