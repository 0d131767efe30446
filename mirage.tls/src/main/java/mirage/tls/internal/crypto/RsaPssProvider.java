package mirage.tls.internal.crypto;

import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;
import java.util.Map;

/**
 * The RSA-PSS signatures of TLS (RFC 8446 section 4.2.3: MGF1 with the message's digest, a salt
 * as long as the digest) under the names Bouncy Castle's TLS asks a provider for
 * ({@code SHA256WITHRSAANDMGF1}, SHA-384, SHA-512), each the JDK's {@code RSASSA-PSS} with those
 * parameters. Bouncy Castle's TLS makes a signature by name from a look-up helper, then again
 * from the provider of the one it got, so the names must be a provider's own. Never registered
 * in {@link java.security.Security}. Each service builds its signature directly (no class name
 * for reflection), so the link sees what it uses.
 */
final class RsaPssProvider extends Provider {
    private static final long serialVersionUID = 1L;

    private static final Map<String, PSSParameterSpec> SCHEMES = Map.of(
            "SHA256WITHRSAANDMGF1", new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32,
                    PSSParameterSpec.TRAILER_FIELD_BC),
            "SHA384WITHRSAANDMGF1", new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48,
                    PSSParameterSpec.TRAILER_FIELD_BC),
            "SHA512WITHRSAANDMGF1", new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64,
                    PSSParameterSpec.TRAILER_FIELD_BC));

    /** The one instance. */
    static final RsaPssProvider INSTANCE = new RsaPssProvider();

    private RsaPssProvider() {
        super("MirageRsaPss", "1", "TLS RSA-PSS signatures under Bouncy Castle's names, by the JDK's RSASSA-PSS");
        for (Map.Entry<String, PSSParameterSpec> e : SCHEMES.entrySet()) {
            putService(new PssService(this, e.getKey(), e.getValue()));
        }
    }

    /** Whether {@code algorithm} (any case) is one of the names served. */
    static boolean serves(String algorithm) {
        return SCHEMES.containsKey(algorithm.toUpperCase(java.util.Locale.ROOT));
    }

    private static final class PssService extends Service {
        private final PSSParameterSpec parameters;

        PssService(Provider provider, String name, PSSParameterSpec parameters) {
            super(provider, "Signature", name, PssSignature.class.getName(), List.of(), Map.of());
            this.parameters = parameters;
        }

        @Override
        public Object newInstance(Object constructorParameter) {
            return new PssSignature(parameters);
        }
    }

    /** The JDK's RSASSA-PSS with fixed parameters, made when a key is given. */
    static final class PssSignature extends SignatureSpi {
        private final PSSParameterSpec parameters;
        private Signature jdk;

        PssSignature(PSSParameterSpec parameters) {
            this.parameters = parameters;
        }

        private Signature fresh() throws InvalidKeyException {
            try {
                Signature s = Signature.getInstance("RSASSA-PSS");
                s.setParameter(parameters);
                return s;
            } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
                throw new InvalidKeyException("the JDK's RSASSA-PSS is not available: " + e.getMessage(), e);
            }
        }

        private Signature initialized() throws SignatureException {
            if (jdk == null) {
                throw new SignatureException("not initialized");
            }
            return jdk;
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            jdk = fresh();
            jdk.initVerify(publicKey);
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            jdk = fresh();
            jdk.initSign(privateKey);
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey, SecureRandom random) throws InvalidKeyException {
            jdk = fresh();
            jdk.initSign(privateKey, random);
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            initialized().update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            initialized().update(b, off, len);
        }

        @Override
        protected void engineUpdate(ByteBuffer input) {
            try {
                initialized().update(input);
            } catch (SignatureException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            return initialized().sign();
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            return initialized().verify(sigBytes);
        }

        @Override
        protected void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
            if (!(params instanceof PSSParameterSpec p) || !p.toString().equals(parameters.toString())) {
                throw new InvalidAlgorithmParameterException("this signature's parameters are fixed: " + parameters);
            }
        }

        @Override
        protected AlgorithmParameters engineGetParameters() {
            try {
                AlgorithmParameters p = AlgorithmParameters.getInstance("RSASSA-PSS");
                p.init(parameters);
                return p;
            } catch (NoSuchAlgorithmException | java.security.spec.InvalidParameterSpecException e) {
                throw new UnsupportedOperationException(e.getMessage(), e);
            }
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException("no parameter " + param);
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException("no parameter " + param);
        }
    }
}
