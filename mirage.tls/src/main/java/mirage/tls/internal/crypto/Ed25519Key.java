package mirage.tls.internal.crypto;

import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Optional;

/** A JDK Ed25519 private key under the algorithm name "Ed25519" instead of "EdDSA". */
record Ed25519Key(EdECPrivateKey key) implements EdECPrivateKey {
    private static final long serialVersionUID = 1L;

    @Override
    public Optional<byte[]> getBytes() {
        return key.getBytes();
    }

    @Override
    public NamedParameterSpec getParams() {
        return key.getParams();
    }

    @Override
    public String getAlgorithm() {
        return "Ed25519";
    }

    @Override
    public String getFormat() {
        return key.getFormat();
    }

    @Override
    public byte[] getEncoded() {
        return key.getEncoded();
    }
}
