package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsCryptoUtils;
import org.bouncycastle.tls.crypto.TlsDecodeResult;
import org.bouncycastle.tls.crypto.TlsEncodeResult;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.TlsImplUtils;

/**
 * TLS 1.2 and 1.3 record protection with the JDK's AEAD ciphers ({@code AES/GCM/NoPadding},
 * {@code ChaCha20-Poly1305}): the work of Bouncy Castle's {@code TlsAEADCipher} (RFC 5288 and
 * RFC 7905/8446 nonces, additional data, TLSInnerPlaintext), arranged for the JDK's ciphers:
 * <ul>
 *   <li>records are encrypted straight from the caller's plaintext into one output buffer owned
 *       by this object and reused for every record (Bouncy Castle's record layer copies the
 *       encoded record into its output queue before {@code encodePlaintext} is called again), so
 *       no 16 KiB array is allocated, zeroed and filled per record;</li>
 *   <li>records are decrypted out of place, into a buffer owned by this object: SunJCE's GCM
 *       runs its fused AES+GHASH (AVX-512/VAES) intrinsic only when the output is not the input
 *       (for an in-place decryption it makes two passes, GHASH then CTR, measured 2.5x slower),
 *       and application data is then copied by the record layer into its queue either way.
 *       Other content types (handshake, alert) are copied back over the ciphertext, where Bouncy
 *       Castle's own cipher leaves them, so its handshake code sees what it always saw.</li>
 * </ul>
 * Connection IDs (DTLS only) are not supported. Not thread-safe: Bouncy Castle encodes under its
 * write lock and decodes on the reading thread, and each direction has its own state here.
 */
final class JdkRecordCipher implements TlsCipher {
    /** Which AEAD. */
    enum Kind { AES_GCM, CHACHA20_POLY1305 }

    private static final int TAG = 16;
    /** Header, 2^14 bytes of plaintext, the content type, an explicit nonce and the tag. */
    private static final int FULL_RECORD = 5 + 16384 + 1 + 8 + TAG;
    private static final byte[] EMPTY = new byte[0];

    private final TlsCryptoParameters parameters;
    private final Kind kind;
    private final int keySize;
    private final boolean tls13;
    /** TLS 1.2 GCM: 4-byte salt + 8-byte explicit nonce in each record (RFC 5288); else 12 and 0. */
    private final int fixedIvLength;
    private final int recordIvLength;
    private final Direction encrypt;
    private final Direction decrypt;

    /** One direction's cipher, key, IV and buffers. */
    private static final class Direction {
        final Cipher cipher;
        final int mode;
        final byte[] iv;
        final byte[] nonce = new byte[12];
        final byte[] aad = new byte[13];
        final byte[] one = new byte[1];
        SecretKeySpec key;
        byte[] buffer = EMPTY;

        Direction(Cipher cipher, int mode, int fixedIvLength) {
            this.cipher = cipher;
            this.mode = mode;
            this.iv = new byte[fixedIvLength];
        }

        /** The buffer, grown to {@code size} or more (doubling: handshake records are small, bulk ones full). */
        byte[] buffer(int size) {
            if (buffer.length < size) {
                buffer = new byte[Math.max(size, Math.min(2 * buffer.length, FULL_RECORD))];
            }
            return buffer;
        }
    }

    /**
     * The provider of each AEAD, found once: the one {@code Cipher.getInstance(name)} picks (the
     * first in the JDK's list that has it, SunJCE). Asking it directly for each record cipher
     * skips the search of every provider's services that {@code getInstance(name)} makes each
     * time (~2-3 us, four times per connection: two directions, handshake and application keys).
     */
    private static final class Providers {
        private static final String AES_GCM = "AES/GCM/NoPadding";
        private static final String CHACHA20_POLY1305 = "ChaCha20-Poly1305";
        private static volatile java.security.Provider aesGcm;
        private static volatile java.security.Provider chacha;

        static Cipher cipher(Kind kind) throws GeneralSecurityException {
            String name = kind == Kind.AES_GCM ? AES_GCM : CHACHA20_POLY1305;
            java.security.Provider p = kind == Kind.AES_GCM ? aesGcm : chacha;
            if (p == null) {
                Cipher first = Cipher.getInstance(name);
                p = first.getProvider();
                if (kind == Kind.AES_GCM) {
                    aesGcm = p;
                } else {
                    chacha = p;
                }
                return first;
            }
            return Cipher.getInstance(name, p);
        }
    }

    /**
     * The cipher for {@code encryptionAlgorithm} (a Bouncy Castle {@link EncryptionAlgorithm}), or
     * null for one this class does not do.
     */
    static TlsCipher create(TlsCryptoParameters parameters, int encryptionAlgorithm) throws IOException {
        return switch (encryptionAlgorithm) {
            case EncryptionAlgorithm.AES_128_GCM -> new JdkRecordCipher(parameters, Kind.AES_GCM, 16);
            case EncryptionAlgorithm.AES_256_GCM -> new JdkRecordCipher(parameters, Kind.AES_GCM, 32);
            case EncryptionAlgorithm.CHACHA20_POLY1305 -> new JdkRecordCipher(parameters, Kind.CHACHA20_POLY1305, 32);
            default -> null;
        };
    }

    JdkRecordCipher(TlsCryptoParameters parameters, Kind kind, int keySize) throws IOException {
        SecurityParameters security = parameters.getSecurityParametersHandshake();
        ProtocolVersion version = security.getNegotiatedVersion();
        if (!TlsImplUtils.isTLSv12(version) || version.isDTLS()) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "AEAD records need TLS 1.2 or 1.3, not " + version);
        }
        if (!isEmpty(security.getConnectionIDLocal()) || !isEmpty(security.getConnectionIDPeer())) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "connection IDs are not supported");
        }
        this.parameters = parameters;
        this.kind = kind;
        this.keySize = keySize;
        this.tls13 = TlsImplUtils.isTLSv13(version);
        boolean explicitNonce = kind == Kind.AES_GCM && !tls13;
        this.fixedIvLength = explicitNonce ? 4 : 12;
        this.recordIvLength = explicitNonce ? 8 : 0;
        try {
            this.encrypt = new Direction(Providers.cipher(kind), Cipher.ENCRYPT_MODE, fixedIvLength);
            this.decrypt = new Direction(Providers.cipher(kind), Cipher.DECRYPT_MODE, fixedIvLength);
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
        boolean server = parameters.isServer();
        if (tls13) {
            rekey(security, decrypt, !server);
            rekey(security, encrypt, server);
            return;
        }
        int size = 2 * keySize + 2 * fixedIvLength;
        byte[] block = TlsImplUtils.calculateKeyBlock(parameters, size);
        Direction first = server ? decrypt : encrypt; // the client's write key comes first
        Direction second = server ? encrypt : decrypt;
        first.key = key(block, 0);
        second.key = key(block, keySize);
        System.arraycopy(block, 2 * keySize, first.iv, 0, fixedIvLength);
        System.arraycopy(block, 2 * keySize + fixedIvLength, second.iv, 0, fixedIvLength);
        java.util.Arrays.fill(block, (byte) 0);
    }

    private static boolean isEmpty(byte[] b) {
        return b == null || b.length == 0;
    }

    private SecretKeySpec key(byte[] bytes, int offset) {
        return new SecretKeySpec(bytes, offset, keySize, kind == Kind.AES_GCM ? "AES" : "ChaCha20");
    }

    private int inner(int plaintextLength) {
        return plaintextLength + (tls13 ? 1 : 0);
    }

    @Override
    public int getCiphertextDecodeLimit(int plaintextLimit) {
        return inner(plaintextLimit) + TAG + recordIvLength;
    }

    @Override
    public int getCiphertextEncodeLimit(int plaintextLimit) {
        return inner(plaintextLimit) + TAG + recordIvLength;
    }

    @Override
    public int getPlaintextDecodeLimit(int ciphertextLimit) {
        return ciphertextLimit - TAG - recordIvLength - (tls13 ? 1 : 0);
    }

    @Override
    public int getPlaintextEncodeLimit(int ciphertextLimit) {
        return ciphertextLimit - TAG - recordIvLength - (tls13 ? 1 : 0);
    }

    @Override
    public TlsEncodeResult encodePlaintext(long seqNo, short contentType, ProtocolVersion recordVersion,
            int headerAllocation, byte[] plaintext, int offset, int len) throws IOException {
        Direction d = encrypt;
        int innerLength = inner(len);
        int ciphertextLength = recordIvLength + innerLength + TAG;
        int end = headerAllocation + ciphertextLength;
        byte[] out = d.buffer(end);
        int pos = headerAllocation;
        nonce(d, seqNo);
        if (recordIvLength != 0) {
            TlsUtils.writeUint64(seqNo, out, pos); // RFC 5288: the explicit nonce is the sequence number
            pos += recordIvLength;
        }
        short recordType = tls13 ? ContentType.application_data : contentType;
        int aadLength = aad(d, seqNo, recordType, recordVersion, tls13 ? ciphertextLength : innerLength);
        try {
            d.cipher.init(d.mode, d.key, spec(d));
            d.cipher.updateAAD(d.aad, 0, aadLength);
            if (tls13) {
                d.one[0] = (byte) contentType;
                pos += d.cipher.update(plaintext, offset, len, out, pos);
                pos += d.cipher.doFinal(d.one, 0, 1, out, pos);
            } else {
                pos += d.cipher.doFinal(plaintext, offset, len, out, pos);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
        if (pos != end) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "the cipher wrote " + (pos - headerAllocation)
                    + " bytes, not " + ciphertextLength);
        }
        return new TlsEncodeResult(out, 0, end, recordType);
    }

    @Override
    public TlsDecodeResult decodeCiphertext(long seqNo, short recordType, ProtocolVersion recordVersion,
            byte[] ciphertext, int offset, int len) throws IOException {
        if (getPlaintextDecodeLimit(len) < 0) {
            throw new TlsFatalAlert(AlertDescription.decode_error);
        }
        Direction d = decrypt;
        if (recordIvLength != 0) {
            System.arraycopy(d.iv, 0, d.nonce, 0, fixedIvLength);
            System.arraycopy(ciphertext, offset, d.nonce, fixedIvLength, recordIvLength);
        } else {
            nonce(d, seqNo);
        }
        int encryptedOffset = offset + recordIvLength;
        int encryptedLength = len - recordIvLength;
        int innerLength = encryptedLength - TAG;
        int aadLength = aad(d, seqNo, recordType, recordVersion, tls13 ? len : innerLength);
        byte[] out = d.buffer(innerLength);
        int n;
        try {
            d.cipher.init(d.mode, d.key, spec(d));
            d.cipher.updateAAD(d.aad, 0, aadLength);
            n = d.cipher.doFinal(ciphertext, encryptedOffset, encryptedLength, out, 0);
        } catch (AEADBadTagException e) {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac, e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac, e);
        }
        if (n != innerLength) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "the cipher returned " + n + " bytes, not " + innerLength);
        }
        short contentType = recordType;
        int length = innerLength;
        if (tls13) { // TLSInnerPlaintext: content, the true type, zero padding
            do {
                if (--length < 0) {
                    throw new TlsFatalAlert(AlertDescription.unexpected_message, "no content type in TLSInnerPlaintext");
                }
            } while (out[length] == 0);
            contentType = (short) (out[length] & 0xFF);
        }
        if (contentType == ContentType.application_data) {
            return new TlsDecodeResult(out, 0, length, contentType);
        }
        System.arraycopy(out, 0, ciphertext, encryptedOffset, length);
        return new TlsDecodeResult(ciphertext, encryptedOffset, length, contentType);
    }

    /** RFC 5288 (salt, then the sequence number) or RFC 7905 (IV xor sequence number). */
    private void nonce(Direction d, long seqNo) {
        byte[] nonce = d.nonce;
        if (recordIvLength != 0) {
            System.arraycopy(d.iv, 0, nonce, 0, fixedIvLength);
            TlsUtils.writeUint64(seqNo, nonce, fixedIvLength);
        } else {
            System.arraycopy(d.iv, 0, nonce, 0, 12);
            for (int i = 0; i < 8; i++) {
                nonce[11 - i] ^= (byte) (seqNo >>> (8 * i));
            }
        }
    }

    private AlgorithmParameterSpec spec(Direction d) {
        return kind == Kind.AES_GCM ? new GCMParameterSpec(TAG * 8, d.nonce) : new IvParameterSpec(d.nonce);
    }

    /**
     * TLS 1.3: opaque_type, legacy_record_version, length of the ciphertext. TLS 1.2: seq_num,
     * type, version, length of the plaintext. Returns the length written.
     */
    private int aad(Direction d, long seqNo, short recordType, ProtocolVersion recordVersion, int length) {
        byte[] aad = d.aad;
        int pos = 0;
        if (!tls13) {
            TlsUtils.writeUint64(seqNo, aad, 0);
            pos = 8;
        }
        TlsUtils.writeUint8(recordType, aad, pos);
        TlsUtils.writeVersion(recordVersion, aad, pos + 1);
        TlsUtils.writeUint16(length, aad, pos + 3);
        return pos + 5;
    }

    @Override
    public void rekeyDecoder() throws IOException {
        rekey(parameters.getSecurityParametersConnection(), decrypt, !parameters.isServer());
    }

    @Override
    public void rekeyEncoder() throws IOException {
        rekey(parameters.getSecurityParametersConnection(), encrypt, parameters.isServer());
    }

    /** TLS 1.3: key and IV from the traffic secret (RFC 8446 7.3). */
    private void rekey(SecurityParameters security, Direction d, boolean serverSecret) throws IOException {
        if (!tls13) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "key updates are TLS 1.3's");
        }
        TlsSecret secret = serverSecret ? security.getTrafficSecretServer() : security.getTrafficSecretClient();
        if (secret == null) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "no traffic secret");
        }
        int hash = security.getPRFCryptoHashAlgorithm();
        byte[] key = TlsCryptoUtils.hkdfExpandLabel(secret, hash, "key", TlsUtils.EMPTY_BYTES, keySize).extract();
        byte[] iv = TlsCryptoUtils.hkdfExpandLabel(secret, hash, "iv", TlsUtils.EMPTY_BYTES, fixedIvLength).extract();
        d.key = key(key, 0);
        System.arraycopy(iv, 0, d.iv, 0, fixedIvLength);
        java.util.Arrays.fill(key, (byte) 0);
    }

    @Override
    public boolean usesOpaqueRecordTypeDecode() {
        return tls13;
    }

    @Override
    public boolean usesOpaqueRecordTypeEncode() {
        return tls13;
    }
}
