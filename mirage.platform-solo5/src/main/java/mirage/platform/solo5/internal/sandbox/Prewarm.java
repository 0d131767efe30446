package mirage.platform.solo5.internal.sandbox;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Security;
import java.time.ZoneId;
import java.util.zip.Inflater;
import javax.crypto.Cipher;

/**
 * Makes java.base read now the files it otherwise reads on first use, which the sandbox would
 * refuse later (measured with strace on echo, gitkv and hello; docs/decisions/0057-sandbox.md):
 * <ul>
 *   <li>{@code /dev/random} and {@code /dev/urandom}: opened, and kept open, by the JDK's
 *       {@code NativePRNG} as the {@code SUN} provider registers its services (the first
 *       {@link SecureRandom}, {@code KeyPairGenerator}, TLS). Opened after the sandbox they are
 *       refused, the provider drops {@code NativePRNG}, and the default {@code SecureRandom}
 *       becomes a DRBG seeded by the JDK's thread-timing seed generator: echo then took ~9 s
 *       to its first answer (docs/decisions/0059). The platform's own entropy reads
 *       {@code /dev/urandom} directly and does not open them;</li>
 *   <li>{@code conf/security/java.security}: the security properties, read when
 *       {@link Security} is initialized (any MessageDigest, Signature, SecureRandom);</li>
 *   <li>{@code conf/security/policy/unlimited/*.policy}: the JCE's crypto policy, read by the
 *       first {@link Cipher} or key agreement (TLS);</li>
 *   <li>{@code /etc/localtime} and {@code lib/tzdb.dat}: the default time zone and its rules,
 *       read by the first {@link java.util.TimeZone} or {@link ZoneId#systemDefault()} (X.509
 *       validity dates, logging);</li>
 *   <li>{@code lib/libzip.so}: loaded by the first {@link Inflater} or Deflater (git packs);
 *       a library loaded later would be opened by path;</li>
 *   <li>{@code conf/logging.properties}: read by the first {@code java.util.logging} logger
 *       (Bouncy Castle's), when the image has {@code java.logging}; without it the JDK drops
 *       the configuration, and with it every log handler, silently.</li>
 * </ul>
 * Each is what the JDK would do anyway on first use, done once; none starts a thread.
 */
final class Prewarm {
    private Prewarm() {}

    static void run() {
        new SecureRandom().nextBytes(new byte[1]);
        Security.getProperty("securerandom.source");
        try {
            Cipher.getMaxAllowedKeyLength("AES");
        } catch (NoSuchAlgorithmException e) {
            // no AES in this image's providers: no crypto policy to read either
        }
        ZoneId.systemDefault().getRules();
        new Inflater().end();
        if (ModuleLayer.boot().findModule("java.logging").isPresent()) {
            try {
                Class.forName("java.util.logging.LogManager").getMethod("getLogManager").invoke(null);
            } catch (ReflectiveOperationException e) {
                // left out of the image by the link (nothing reaches it): nothing reads the file
            }
        }
    }
}
