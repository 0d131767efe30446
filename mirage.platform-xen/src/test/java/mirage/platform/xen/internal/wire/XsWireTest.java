package mirage.platform.xen.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Xenstore messages, paths and permissions: the rules of xs_wire.h and docs/misc/xenstore.txt. */
class XsWireTest {
    @Test
    void message_roundTrips() throws XsFormatException {
        XsMessage m = XsMessage.of(XsType.WRITE, 7, 3, XsMessage.pathAndValue("/a/b", "v".getBytes()));
        assertEquals(m, XsMessage.decode(m.encode()));
        assertEquals(List.of("/a/b", "v"), XsMessage.split(m.payload()));
    }

    @Test
    void decode_refusesOverLongPayloadAndMismatchedLength() {
        byte[] b = new byte[16];
        b[12] = 1;
        b[13] = 0x10; // 4097
        assertThrows(XsFormatException.class, () -> XsMessage.decode(b));
        byte[] c = XsMessage.of(XsType.READ, 0, 0, XsMessage.string("/a")).encode();
        assertThrows(XsFormatException.class, () -> XsMessage.decode(java.util.Arrays.copyOf(c, c.length - 1)));
        assertThrows(XsFormatException.class, () -> XsMessage.decode(new byte[3]));
    }

    @Test
    void unknownTypes_haveNoXsType() {
        assertNull(XsType.of(20));
        assertNull(XsType.of(27));
        assertNull(XsType.of(-1));
        assertEquals(XsType.DIRECTORY_PART, XsType.of(22));
    }

    @Test
    void paths_followTheSpec() {
        assertTrue(XsPath.isValid("/"));
        assertTrue(XsPath.isValid("/local/domain/0/backend/vif"));
        assertTrue(XsPath.isValid("device/vif/0"));
        assertTrue(XsPath.isValid("/a-b_c@d"));
        assertFalse(XsPath.isValid(""));
        assertFalse(XsPath.isValid("/a//b"));
        assertFalse(XsPath.isValid("/a/"));
        assertFalse(XsPath.isValid("/a b"));
        assertFalse(XsPath.isValid("/a.b"));
        assertFalse(XsPath.isValid("/" + "a".repeat(XsPath.ABS_PATH_MAX)));
        assertFalse(XsPath.isValid("a".repeat(XsPath.REL_PATH_MAX + 1)));
        assertTrue(XsPath.isSpecial("@releaseDomain"));
        assertFalse(XsPath.isSpecial("@"));
        assertEquals("/local/domain/3/x/y", XsPath.absolute("x/y", XsPath.domainPath(3)));
    }

    @Test
    void childRule_isPrefixOnSegmentBoundaries() {
        assertTrue(XsPath.isAtOrBelow("/a/b", "/a"));
        assertTrue(XsPath.isAtOrBelow("/a", "/a"));
        assertTrue(XsPath.isAtOrBelow("/a", "/"));
        assertFalse(XsPath.isAtOrBelow("/ab", "/a"));
        assertFalse(XsPath.isAtOrBelow("/a", "/a/b"));
        assertTrue(XsPath.isAtOrBelow("@releaseDomain/5", "@releaseDomain"));
        assertEquals(0, XsPath.depthBelow("/a", "/a"));
        assertEquals(2, XsPath.depthBelow("/a/b/c", "/a"));
        assertEquals(1, XsPath.depthBelow("/a", "/"));
        assertEquals("/", XsPath.parent("/a"));
        assertEquals("/a", XsPath.parent("/a/b"));
    }

    @Test
    void permissions_parseLetterAndDomid() {
        assertEquals(new XsPermission(XsPermission.Access.BOTH, 0), XsPermission.parse("b0"));
        assertEquals("r65535", XsPermission.parse("r65535").toString());
        assertNull(XsPermission.parse("r65536"));
        assertNull(XsPermission.parse("x1"));
        assertNull(XsPermission.parse("r"));
        assertNull(XsPermission.parse("r-1"));
        assertNull(XsPermission.parseAll(List.of()));
    }
}
