package mirage.benchmarks.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Suite files and benchmark ids: what they say, the JMH runs they need, and their errors. */
class SuiteTest {

    @Test
    void benchIdsParseAndPrintSorted() {
        BenchId id = BenchId.parse("TlsBench.handshake1_3(suite=X,impl=jdk)");
        assertEquals("TlsBench.handshake1_3", id.method());
        assertEquals("TlsBench", id.className());
        assertEquals(Map.of("impl", "jdk", "suite", "X"), id.params());
        assertEquals("TlsBench.handshake1_3(impl=jdk,suite=X)", id.toString());
        assertEquals(id, BenchId.parse(id.toString()));
        assertEquals("A.b", BenchId.parse("A.b").toString());
        assertTrue(id.matches("TlsBench.handshake1_3", Map.of("impl", "jdk", "suite", "X", "other", "1")));
        for (String bad : List.of("A", "A.b.c", "A.b(", "A.b(x)", "A.b(x=)", "A.b(=1)", "A.b(x=1,x=2)", "A.b()", "1A.b")) {
            assertThrows(IllegalArgumentException.class, () -> BenchId.parse(bad), bad);
        }
    }

    @Test
    void entriesAndTheirDefaults() {
        Suite s = Suite.parse("""
                # a comment
                jmh -f 1 -i 2   # trailing comment
                rounds 4
                ratio tls  T.h(impl=mirage) T.h(impl=jdk) tolerance=0.2
                ratio git  G.store G.jgit
                zero  alloc N.receive(payloadBytes=1472) limit=64
                zero  alloc2 N.send
                process start mirage_ms floor_ms tolerance=0.15 -- ./start-time.sh -n 10
                process size mirage_bytes floor_bytes -- ./start-time.sh -n 10
                """);
        assertEquals(List.of("-f", "1", "-i", "2"), s.jmhOptions());
        assertEquals(4, s.rounds());
        assertEquals(new Suite.Ratio("tls", BenchId.parse("T.h(impl=mirage)"), BenchId.parse("T.h(impl=jdk)"), 0.2), s.entries().get(0));
        assertEquals(Suite.DEFAULT_TOLERANCE, ((Suite.Ratio) s.entries().get(1)).tolerance());
        assertEquals(64.0, ((Suite.Zero) s.entries().get(2)).limit());
        assertEquals(Suite.DEFAULT_ZERO_LIMIT, ((Suite.Zero) s.entries().get(3)).limit());
        assertEquals(new Suite.Process("start", "mirage_ms", "floor_ms", 0.15, "./start-time.sh -n 10"), s.entries().get(4));
        assertEquals(Suite.DEFAULT_TOLERANCE, ((Suite.Process) s.entries().get(5)).tolerance());
        assertEquals(List.of("./start-time.sh -n 10"), s.processCommands(), "one run serves both entries");
    }

    @Test
    void jmhRunsOnePerMethodWithTheNamedValuesOnly() {
        Suite s = Suite.parse("""
                ratio a T.h(impl=mirage,suite=S) T.h(impl=jdk,suite=S)
                ratio b G.store(n=1) G.jgit
                zero  c T.h(impl=mirage,suite=S)
                """);
        List<Suite.JmhRun> runs = s.jmhRuns();
        assertEquals(3, runs.size());
        assertEquals(new Suite.JmhRun("T.h", Map.of("impl", Set.of("mirage", "jdk"), "suite", Set.of("S")), true), runs.get(0));
        assertEquals(List.of("^mirage\\.benchmarks\\.T\\.h$", "-p", "impl=mirage,jdk", "-p", "suite=S", "-prof", "gc"),
                runs.get(0).arguments());
        assertEquals(new Suite.JmhRun("G.store", Map.of("n", Set.of("1")), false), runs.get(1));
        assertEquals(List.of("^mirage\\.benchmarks\\.G\\.jgit$"), runs.get(2).arguments());
        Suite partly = Suite.parse("ratio a T.h(impl=mirage) T.h\n");
        assertEquals(Map.of(), partly.jmhRuns().getFirst().params(), "an id that leaves impl open needs every value run");
    }

    @Test
    void malformedLinesNameTheirLine() {
        for (String bad : List.of("ratio a T.h", "ratio a T.h T.i tolerance=x", "ratio a T.h T.i limit=1", "zero a",
                "zero a T.h limit=-1", "rounds 0", "rounds x", "process a b c", "process a b c -- ", "process a b -- x",
                "frobnicate", "ratio a T.h T.i\nzero a T.h", "ratio a T T.i")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Suite.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("suite line "), e.getMessage());
        }
    }

    @Test
    void theShippedSuitesParse() throws IOException {
        Path dir = Path.of("baseline");
        for (String name : List.of("regress", "zero-alloc", "ipv6")) {
            Suite s = Suite.parse(Files.readString(dir.resolve(name + ".suite")));
            assertTrue(!s.entries().isEmpty(), name);
            Baseline b = Baseline.parse(Files.readString(dir.resolve(name + ".json")));
            for (Suite.Entry e : s.entries()) {
                assertTrue(b.entries().containsKey(e.name()), name + ".json has no " + e.name());
            }
        }
        // ipv6.suite (decision 0071; its baseline recorded quiet in the fifth session): every ratio
        // IPv6 over IPv4 of one benchmark.
        Suite ipv6 = Suite.parse(Files.readString(dir.resolve("ipv6.suite")));
        assertTrue(!ipv6.entries().isEmpty(), "ipv6");
        for (Suite.Entry e : ipv6.entries()) {
            if (e instanceof Suite.Ratio r) {
                assertEquals("ipv6", r.subject().params().get("family"), e.name());
                assertEquals("ipv4", r.reference().params().get("family"), e.name());
                assertEquals(r.subject().method(), r.reference().method(), e.name());
            }
        }
    }
}
