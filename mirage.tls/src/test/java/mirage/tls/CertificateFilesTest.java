package mirage.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import mirage.tls.Credentials.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM and PKCS#12 loading, including files written by OpenSSL. */
class CertificateFilesTest {
    @TempDir
    Path dir;

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Test
    void pemRoundTripsForEveryKeyType() throws Exception {
        for (KeyType type : KeyType.values()) {
            Credentials c = Fixtures.localhost(type);
            Path cert = Files.writeString(dir.resolve(type + ".crt"), pem("CERTIFICATE", c.leaf().getEncoded()));
            Path key = Files.writeString(dir.resolve(type + ".key"), pem("PRIVATE KEY", c.key().getEncoded()));
            Credentials read = Credentials.pem(cert, key);
            assertEquals(c.chain(), read.chain());
            assertEquals(List.of(c.leaf()), ((Trust.Anchors) Trust.pem(cert)).certificates());
        }
    }

    @Test
    void pkcs12RoundTrips() throws Exception {
        Credentials c = Fixtures.localhost(KeyType.ECDSA_P256);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", c.key(), "secret".toCharArray(), c.chain().toArray(Certificate[]::new));
        Path file = dir.resolve("server.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "secret".toCharArray());
        }
        assertEquals(c.chain(), Credentials.pkcs12(file, "secret".toCharArray()).chain());
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> Credentials.pkcs12(file, "wrong".toCharArray()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void unreadableAndEmptyFilesSayWhich() throws Exception {
        Path missing = dir.resolve("missing.pem");
        var e = assertThrows(TlsConfigException.class, () -> Credentials.pem(missing, missing));
        assertTrue(e.getMessage().contains("missing.pem"), e.getMessage());
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
        e = assertThrows(TlsConfigException.class, () -> Trust.pem(empty));
        assertTrue(e.getMessage().contains("no PEM CERTIFICATE"), e.getMessage());
    }

    @Test
    void opensslTraditionalAndPkcs8KeysAreRead() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        for (String[] kind : List.of(new String[] {"ec", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"},
                new String[] {"ed25519", "-newkey", "ed25519"}, new String[] {"rsa", "-newkey", "rsa:2048"})) {
            Path key = dir.resolve(kind[0] + ".key");
            Path cert = dir.resolve(kind[0] + ".crt");
            List<String> command = new java.util.ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", key.toString(),
                    "-out", cert.toString()));
            command.addAll(List.of(kind).subList(1, kind.length));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), output);
            Credentials.pem(cert, key);
            if (kind[0].equals("ec")) {
                Path traditional = dir.resolve("ec-traditional.key");
                Process q = new ProcessBuilder("openssl", "ec", "-in", key.toString(), "-out", traditional.toString())
                        .redirectErrorStream(true).start();
                q.getInputStream().readAllBytes();
                assertEquals(0, q.waitFor());
                assertTrue(Files.readString(traditional).contains("BEGIN EC PRIVATE KEY"));
                Credentials.pem(cert, traditional);
            }
        }
    }
}
