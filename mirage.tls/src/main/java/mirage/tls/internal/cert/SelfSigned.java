package mirage.tls.internal.cert;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import mirage.core.Rng;
import mirage.tls.Credentials;
import mirage.tls.TlsConfigException;
import mirage.tls.internal.crypto.RngSecureRandom;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed certificates for development, made with Bouncy Castle's PKIX builder. */
public final class SelfSigned {
    private SelfSigned() {}

    public static Credentials generate(String hostName, Credentials.KeyType keyType, Rng rng, Instant notBefore,
            Duration validity) {
        boolean ip = check(hostName, validity);
        SecureRandom random = new RngSecureRandom(rng);
        try {
            KeyPair pair = keyPair(keyType, random);
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostName).build();
            byte[] serial = new byte[16];
            rng.nextBytes(serial);
            serial[0] &= 0x7f; // positive, RFC 5280 4.1.2.2
            serial[0] |= 0x01;
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(serial),
                    Date.from(notBefore), Date.from(notBefore.plus(validity)), name, pair.getPublic());
            GeneralName san = ip ? new GeneralName(GeneralName.iPAddress, hostName)
                    : new GeneralName(GeneralName.dNSName, hostName);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                    | (keyType == Credentials.KeyType.RSA_2048 ? KeyUsage.keyEncipherment : 0)));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(keyType))
                    .setSecureRandom(random).build(pair.getPrivate());
            X509CertificateHolder holder = builder.build(signer);
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
            return new Credentials(List.of(certificate), pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new TlsConfigException("cannot make a self-signed certificate for " + hostName + ": " + e, e);
        }
    }

    /**
     * Checks what {@link #generate} checks before it makes anything.
     *
     * @return whether {@code hostName} is an IP address literal (else it is a DNS name)
     * @throws TlsConfigException if the host name is neither, or the validity is not positive
     */
    static boolean check(String hostName, Duration validity) {
        boolean ip = HostNames.ipLiteral(hostName).isPresent();
        if (!ip && !HostNames.isDnsName(hostName)) {
            throw new TlsConfigException("\"" + hostName + "\" is neither a DNS host name nor an IP address literal");
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new TlsConfigException("a certificate's validity must be positive, not " + validity);
        }
        return ip;
    }

    private static KeyPair keyPair(Credentials.KeyType type, SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator;
        switch (type) {
            case ECDSA_P256 -> {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            }
            case ECDSA_P384 -> {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp384r1"), random);
            }
            case ED25519 -> {
                generator = KeyPairGenerator.getInstance("Ed25519");
                generator.initialize(255, random);
            }
            case RSA_2048 -> {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048, random);
            }
            default -> throw new IllegalArgumentException(type.toString());
        }
        return generator.generateKeyPair();
    }

    private static String signatureAlgorithm(Credentials.KeyType type) {
        return switch (type) {
            case ECDSA_P256 -> "SHA256withECDSA";
            case ECDSA_P384 -> "SHA384withECDSA";
            case ED25519 -> "Ed25519";
            case RSA_2048 -> "SHA256withRSA";
        };
    }
}
