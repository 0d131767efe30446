package mirage.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A root CA and a leaf it issued, for chain-validation tests. */
final class TestCa {
    private TestCa() {}

    record Issued(X509Certificate root, Credentials credentials) {}

    static Issued issue(String host, Crypto unused) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair rootKey = g.generateKeyPair();
        KeyPair leafKey = g.generateKeyPair();
        Date from = Date.from(Fixtures.NOT_BEFORE);
        Date to = Date.from(Fixtures.NOT_BEFORE.plus(Duration.ofDays(365)));
        X500Name rootName = new X500Name("CN=Test Root");
        var rootBuilder = new JcaX509v3CertificateBuilder(rootName, BigInteger.ONE, from, to, rootName, rootKey.getPublic());
        rootBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        rootBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        X509Certificate root = convert(rootBuilder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())).getEncoded());
        var leafBuilder = new JcaX509v3CertificateBuilder(rootName, BigInteger.TWO, from, to, new X500Name("CN=" + host),
                leafKey.getPublic());
        leafBuilder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
        X509Certificate leaf = convert(leafBuilder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())).getEncoded());
        return new Issued(root, new Credentials(List.of(leaf, root), leafKey.getPrivate()));
    }

    private static X509Certificate convert(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
    }
}
