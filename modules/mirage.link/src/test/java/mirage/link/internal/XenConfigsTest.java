package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import org.junit.jupiter.api.Test;

/** The xl config and libvirt XML written for -t xen: one vif per network device, one disk per block device, in order. */
class XenConfigsTest {
    static final Manifest DEVICES = new Manifest(List.of(new Manifest.Entry("service", DeviceKind.NET_BASIC),
            new Manifest.Entry("storage", DeviceKind.BLOCK_BASIC), new Manifest.Entry("logs", DeviceKind.BLOCK_BASIC)));

    @Test
    void xl_pvhGuest_vifsAndDisksInManifestOrder() {
        String xl = XenConfigs.xl("kv", DEVICES);
        assertTrue(xl.contains("name = \"kv\"\ntype = \"pvh\"\n"), xl);
        assertTrue(xl.contains("vif = [ \"bridge=xenbr0\"   # service\n      ]\n"), xl);
        assertTrue(xl.contains("disk = [ \"format=raw, vdev=xvda, access=rw, target=storage.img\"   # storage,\n"
                + "        \"format=raw, vdev=xvdb, access=rw, target=logs.img\"   # logs\n       ]\n"), xl);
        String none = XenConfigs.xl("hello", Manifest.EMPTY);
        assertTrue(!none.contains("vif = ") && !none.contains("\ndisk = "), none);
    }

    @Test
    void libvirt_xenpvhDomain_withTheSameDevices() {
        String xml = XenConfigs.libvirt("kv", DEVICES);
        assertTrue(xml.contains("<domain type='xen'>\n  <name>kv</name>"), xml);
        assertTrue(xml.contains("<type arch='x86_64' machine='xenpvh'>xenpvh</type>"), xml);
        assertEquals(1, count(xml, "<interface type='bridge'>"));
        assertTrue(xml.indexOf("<target dev='xvda' bus='xen'/>") < xml.indexOf("<target dev='xvdb' bus='xen'/>"), xml);
        assertTrue(xml.contains("<source file='logs.img'/>\n      <target dev='xvdb'"), xml);
        assertEquals(count(xml, "<disk "), count(xml, "</disk>"));
        assertTrue(xml.endsWith("</domain>\n"));
    }

    @Test
    void vdevNames() {
        assertEquals("xvda", XenConfigs.vdev(0));
        assertEquals("xvdz", XenConfigs.vdev(25));
        assertEquals("xvdaa", XenConfigs.vdev(26));
        assertEquals("xvdbk", XenConfigs.vdev(62));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
