package mirage.platform.xen.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Every ring entry and page layout against bytes worked out by hand from Xen's C structs on
 * x86-64 (natural alignment, little-endian): the netif, blkif, console and xenstore layouts,
 * the shared ring header, a version-1 grant entry, the 2-level event words, and a xenstore
 * header as xenstore-read sends it.
 */
class LayoutGoldenTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static MemorySegment page() {
        return Arena.ofAuto().allocate(Layouts.PAGE_SIZE, Layouts.PAGE_SIZE);
    }

    private static byte[] bytes(MemorySegment s, long at, int n) {
        return s.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] hex(String h) {
        return HEX.parseHex(h);
    }

    @Test
    void ringSizes_areTheLargestPowersOfTwoThatFitAPage() {
        assertEquals(256, Netif.TX_RING_SIZE, "4032 / 12 = 336 -> 256");
        assertEquals(256, Netif.RX_RING_SIZE, "4032 / 8 = 504 -> 256");
        assertEquals(32, Blkif.RING_SIZE, "4032 / 112 = 36 -> 32");
        assertEquals(64, SringLayout.RING);
        assertEquals(64 + 5 * 12, SringLayout.entryOffset(256 + 5, 256, 12), "indices are masked");
        assertEquals(0, SringLayout.entries(64, 8));
    }

    @Test
    void netifTxRequest_is12BytesGrefOffsetFlagsIdSize() {
        MemorySegment s = page();
        Netif.txRequest(s, 64, 0x11223344, 0x5566, Netif.NETTXF_MORE_DATA, 0x0102, 0x05dc);
        assertArrayEquals(hex("44 33 22 11 66 55 04 00 02 01 dc 05"), bytes(s, 64, 12));
    }

    @Test
    void netifTxResponse_isIdAndSignedStatus() {
        MemorySegment s = page();
        Netif.txResponse(s, 64, 0x0102, Netif.RSP_ERROR);
        assertArrayEquals(hex("02 01 ff ff"), bytes(s, 64, 4));
        assertEquals(-1, Layouts.s16(s, 64 + Netif.TX_RSP_STATUS));
    }

    @Test
    void netifRxRequestAndResponse_are8Bytes() {
        MemorySegment s = page();
        Netif.rxRequest(s, 64, 7, 0xaabbccdd);
        assertArrayEquals(hex("07 00 00 00 dd cc bb aa"), bytes(s, 64, 8));
        Netif.rxResponse(s, 72, 7, 0x10, Netif.NETRXF_MORE_DATA, 1500);
        assertArrayEquals(hex("07 00 10 00 04 00 dc 05"), bytes(s, 72, 8));
    }

    @Test
    void netifGsoExtra_isTypeFlagsSizeTypePadFeatures() {
        MemorySegment s = page();
        Netif.gsoExtra(s, 64, 0, 1448, Netif.GSO_TYPE_TCPV4);
        assertArrayEquals(hex("01 00 a8 05 01 00 00 00"), bytes(s, 64, 8));
    }

    @Test
    void netifFlagBits_areTheHeaders() {
        assertEquals(1, Netif.NETTXF_CSUM_BLANK);
        assertEquals(2, Netif.NETTXF_DATA_VALIDATED);
        assertEquals(4, Netif.NETTXF_MORE_DATA);
        assertEquals(8, Netif.NETTXF_EXTRA_INFO);
        assertEquals(1, Netif.NETRXF_DATA_VALIDATED);
        assertEquals(2, Netif.NETRXF_CSUM_BLANK);
        assertEquals(4, Netif.NETRXF_MORE_DATA);
        assertEquals(8, Netif.NETRXF_EXTRA_INFO);
        assertEquals(16, Netif.NETRXF_GSO_PREFIX);
    }

    @Test
    void blkifRequest_is112BytesWithPaddingAfterHandleAnd8ByteSegments() {
        MemorySegment s = page();
        s.fill((byte) 0x5a);
        Blkif.request(s, 64, Blkif.OP_WRITE, 2, 0x0300, 0x0102030405060708L, 0x10);
        Blkif.segment(s, 64, 0, 9, 0, 7);
        Blkif.segment(s, 64, 1, 10, 1, 3);
        assertArrayEquals(hex("01 02 00 03 00 00 00 00 08 07 06 05 04 03 02 01 10 00 00 00 00 00 00 00"
                + " 09 00 00 00 00 07 00 00 0a 00 00 00 01 03 00 00"), bytes(s, 64, 40));
        assertEquals(24 + 11 * 8, Blkif.ENTRY);
    }

    @Test
    void blkifDiscard_carriesNrSectorsAfterSector() {
        MemorySegment s = page();
        Blkif.discard(s, 64, 0x0300, 5, 0x20, 0x40);
        assertArrayEquals(hex("05 00 00 03 00 00 00 00 05 00 00 00 00 00 00 00 20 00 00 00 00 00 00 00"
                + " 40 00 00 00 00 00 00 00"), bytes(s, 64, 32));
    }

    @Test
    void blkifResponse_is16BytesIdOperationStatus() {
        MemorySegment s = page();
        Blkif.response(s, 64, 0x1122334455667788L, Blkif.OP_READ, Blkif.RSP_ERROR);
        assertArrayEquals(hex("88 77 66 55 44 33 22 11 00 00 ff ff 00 00 00 00"), bytes(s, 64, 16));
    }

    @Test
    void consoleAndXenstorePages_haveTheirIndicesAfterTheRings() {
        assertEquals(0, ByteRingLayout.CONSOLE_IN.data());
        assertEquals(1024, ByteRingLayout.CONSOLE_IN.size());
        assertEquals(1024, ByteRingLayout.CONSOLE_OUT.data());
        assertEquals(2048, ByteRingLayout.CONSOLE_OUT.size());
        assertEquals(3072, ByteRingLayout.CONSOLE_IN.cons());
        assertEquals(3076, ByteRingLayout.CONSOLE_IN.prod());
        assertEquals(3080, ByteRingLayout.CONSOLE_OUT.cons());
        assertEquals(3084, ByteRingLayout.CONSOLE_OUT.prod());
        assertEquals(3088, ByteRingLayout.CONSOLE_CONNECTION);
        assertEquals(0, ByteRingLayout.XENSTORE_REQ.data());
        assertEquals(1024, ByteRingLayout.XENSTORE_RSP.data());
        assertEquals(2048, ByteRingLayout.XENSTORE_REQ.cons());
        assertEquals(2052, ByteRingLayout.XENSTORE_REQ.prod());
        assertEquals(2056, ByteRingLayout.XENSTORE_RSP.cons());
        assertEquals(2060, ByteRingLayout.XENSTORE_RSP.prod());
        assertEquals(2064, ByteRingLayout.XENSTORE_SERVER_FEATURES);
        assertEquals(2068, ByteRingLayout.XENSTORE_CONNECTION);
        assertEquals(2072, ByteRingLayout.XENSTORE_ERROR);
    }

    @Test
    void grantEntryV1_isFlagsDomidFrame() {
        MemorySegment s = page();
        s.set(ValueLayout.JAVA_INT, 8, GrantEntryV1.word(GrantEntryV1.GTF_PERMIT_ACCESS | GrantEntryV1.GTF_READONLY, 5));
        Layouts.u32(s, 8 + GrantEntryV1.FRAME, 0x1234);
        assertArrayEquals(hex("05 00 05 00 34 12 00 00"), bytes(s, GrantEntryV1.offset(1), 8));
        assertEquals(512, GrantEntryV1.PER_FRAME);
        assertEquals(8, GrantEntryV1.GTF_READING);
        assertEquals(16, GrantEntryV1.GTF_WRITING);
    }

    @Test
    void sharedInfo_portsAreBitsOf64BitWordsAfter32VcpuInfos() {
        assertEquals(2048, SharedInfo.EVTCHN_PENDING);
        assertEquals(2560, SharedInfo.EVTCHN_MASK);
        assertEquals(2048 + 8, SharedInfo.pendingWord(70));
        assertEquals(1L << 6, SharedInfo.bit(70));
        assertEquals(2560 + 63 * 8, SharedInfo.maskWord(4095));
        assertEquals(8, SharedInfo.PENDING_SEL);
    }

    @Test
    void xsdSockmsg_asXenstoreReadSendsIt() {
        byte[] b = XsMessage.of(XsType.READ, 0, 0, XsMessage.string("/a")).encode();
        assertArrayEquals(hex("02 00 00 00 00 00 00 00 00 00 00 00 03 00 00 00 2f 61 00"), b);
    }

    @Test
    void xenbusStates_areTheirCodes() {
        assertEquals("4", XenbusState.CONNECTED.text());
        assertEquals(XenbusState.RECONFIGURED, XenbusState.parse("8"));
        assertEquals(null, XenbusState.parse("9"));
        assertEquals(null, XenbusState.parse("04"));
    }
}
