package mirage.tls.internal.cert;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import mirage.tls.Credentials;
import mirage.tls.TlsConfigException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** Certificates and keys from PEM text and PKCS#12 files, with errors an operator can act on. */
public final class CertificateFiles {
    private CertificateFiles() {}

    public static List<X509Certificate> readCertificates(Path file) {
        return parseCertificates(read(file), file.toString());
    }

    public static PrivateKey readPrivateKey(Path file) {
        return parsePrivateKey(read(file), file.toString());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsConfigException("cannot read " + file + ": " + e, e);
        }
    }

    /** Every {@code CERTIFICATE} block of a PEM text, in order. */
    public static List<X509Certificate> parseCertificates(String pem, String source) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add((X509Certificate) factory.generateCertificate(
                            new java.io.ByteArrayInputStream(holder.getEncoded())));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new TlsConfigException(source + " is not valid PEM certificate text: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new TlsConfigException(source + " holds no PEM CERTIFICATE block");
        }
        return out;
    }

    /** The one private key of a PEM text: PKCS#8 {@code PRIVATE KEY}, {@code EC}/{@code RSA PRIVATE KEY}. */
    public static PrivateKey parsePrivateKey(String pem, String source) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return fromPkcs8(info.getEncoded(), source);
                }
                if (o instanceof PEMKeyPair pair) {
                    return fromPkcs8(pair.getPrivateKeyInfo().getEncoded(), source);
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new TlsConfigException(source + " holds an encrypted private key: decrypt it first"
                            + " (openssl pkey -in KEY -out PLAIN)");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof TlsConfigException t) {
                throw t;
            }
            throw new TlsConfigException(source + " is not valid PEM key text: " + e.getMessage(), e);
        }
        throw new TlsConfigException(source + " holds no PEM PRIVATE KEY block");
    }

    private static PrivateKey fromPkcs8(byte[] pkcs8, String source) {
        for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new TlsConfigException(source + " holds a private key of an unsupported algorithm"
                + " (supported: ECDSA, Ed25519, RSA)");
    }

    /** The one key entry of a PKCS#12 file, with its chain. */
    public static Credentials readPkcs12(Path file, char[] password) {
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (IOException e) {
            String why = e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password") ? "wrong password?" : e.toString();
            throw new TlsConfigException("cannot read PKCS#12 file " + file + ": " + why, e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot read PKCS#12 file " + file + ": " + e, e);
        }
        try {
            List<String> keys = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
            if (keys.size() != 1) {
                throw new TlsConfigException("PKCS#12 file " + file + " must hold exactly one private key entry, not "
                        + keys.size());
            }
            Key key = store.getKey(keys.getFirst(), password);
            Certificate[] chain = store.getCertificateChain(keys.getFirst());
            if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
                throw new TlsConfigException("PKCS#12 file " + file + ": entry " + keys.getFirst()
                        + " has no private key with a certificate chain");
            }
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : chain) {
                certs.add((X509Certificate) c);
            }
            return new Credentials(certs, privateKey);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot read the key of PKCS#12 file " + file + ": " + e, e);
        }
    }
}
