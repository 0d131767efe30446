package mirage.net.internal.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mirage.net.internal.pcap.PcapReader;

/**
 * The Linux capture under {@code src/test/resources/mirage/net/internal/wire/ipv6/} (see its
 * README.md and {@code capture.sh}, which regenerates it): the frames, and tshark's decoding of
 * each as a map from field name to the value tshark printed (several occurrences joined by
 * {@code ','}, absent fields as the empty string).
 */
final class Ipv6Capture {
    static final String DIR = "/mirage/net/internal/wire/ipv6/";

    private Ipv6Capture() {}

    /** The frames, in order. */
    static List<byte[]> frames() {
        try {
            PcapReader.Capture c = PcapReader.read(ByteBuffer.wrap(resource("linux-ipv6.pcap")));
            List<byte[]> out = new ArrayList<>();
            for (PcapReader.Record r : c.records()) {
                out.add(r.bytes());
            }
            return out;
        } catch (PcapReader.PcapFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first line of the decoding: which tshark made it. */
    static String tsharkVersion() {
        return lines().get(0);
    }

    /** tshark's fields of each frame, in order. */
    static List<Map<String, String>> decoded() {
        List<String> lines = lines();
        String[] names = lines.get(1).split("\t", -1);
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
            String[] values = line.split("\t", -1);
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                m.put(names[i], i < values.length ? values[i] : "");
            }
            out.add(m);
        }
        return out;
    }

    private static List<String> lines() {
        return new String(resource("linux-ipv6.tsv"), StandardCharsets.UTF_8).lines().toList();
    }

    static byte[] resource(String name) {
        try (InputStream in = Ipv6Capture.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + DIR + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
