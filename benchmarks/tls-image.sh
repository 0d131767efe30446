#!/bin/sh
# Image cost of mirage.tls: jlinks a tiny TLS program (a client and a server of ours over an
# in-memory pipe, one TLS 1.3 handshake and an echo) with mirage.tls and Bouncy Castle, and a
# java.base-only floor with the same flags, then prints modules, sizes and the program's output.
# Needs the jars: ./mvnw -B -o -pl mirage.tls -am package -DskipTests
set -eu
cd "$(dirname "$0")/.."
. .mvn/jdk.sh
out=${1:-/tmp/mirage-tls-image}
rm -rf "$out" && mkdir -p "$out/src/tlsdemo/tlsdemo" "$out/classes"
bc=$HOME/.m2/repository/org/bouncycastle
mp="modules/mirage.core/target/mirage.core-0.1.0-SNAPSHOT.jar:mirage.tls/target/mirage.tls-0.1.0-SNAPSHOT.jar"
for a in bcprov bcutil bctls bcpkix; do mp="$mp:$bc/$a-jdk18on/1.84/$a-jdk18on-1.84.jar"; done
cat > "$out/src/tlsdemo/module-info.java" <<'JAVA'
module tlsdemo { requires mirage.tls; }
JAVA
cat > "$out/src/tlsdemo/tlsdemo/Main.java" <<'JAVA'
package tlsdemo;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import mirage.core.Flow;
import mirage.core.Rng;
import mirage.tls.*;

public final class Main {
    public static void main(String[] args) throws Exception {
        Rng rng = Rng.drbg(new SecureRandom()::nextBytes);
        Credentials c = Credentials.selfSigned("localhost", Credentials.KeyType.ECDSA_P256, rng, Instant.now(), Duration.ofDays(1));
        Flow.Pair pipe = Flow.pipe(65536);
        Thread server = Thread.ofVirtual().start(() -> {
            try (TlsFlow f = Tls.server(pipe.right(), ServerConfig.builder(rng, c).build())) {
                ByteBuffer b = ByteBuffer.allocate(64);
                f.read(b);
                f.write(b.flip());
                f.shutdown(Flow.Direction.WRITE);
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        try (TlsFlow f = Tls.client(pipe.left(), ClientConfig.builder(Trust.anchors(c.leaf()), rng).build(), "localhost")) {
            f.write(ByteBuffer.wrap("ping".getBytes()));
            ByteBuffer b = ByteBuffer.allocate(64);
            f.read(b);
            System.out.println(new String(b.array(), 0, b.position()) + " over " + f.handshake().version() + " " + f.handshake().cipherSuite());
        }
        server.join();
    }
}
JAVA
"$JAVA_HOME/bin/javac" -d "$out/classes" --module-path "$mp" $(find "$out/src" -name '*.java')
flags="--strip-debug --no-header-files --no-man-pages --compress=zip-9"
"$JAVA_HOME/bin/jlink" $flags --add-modules java.base --output "$out/floor"
"$JAVA_HOME/bin/jlink" $flags --ignore-signing-information --module-path "$mp:$out/classes" \
    --add-modules tlsdemo --launcher tlsdemo=tlsdemo/tlsdemo.Main --output "$out/image"
echo "modules:"; "$out/image/bin/java" --list-modules | sed 's/^/  /'
echo "floor (java.base): $(du -sm "$out/floor" | cut -f1) MB"
echo "image (tlsdemo):   $(du -sm "$out/image" | cut -f1) MB"
echo "lib/modules: floor $(du -k "$out/floor/lib/modules" | cut -f1) KiB, image $(du -k "$out/image/lib/modules" | cut -f1) KiB"
echo "run: $("$out/image/bin/tlsdemo")"
