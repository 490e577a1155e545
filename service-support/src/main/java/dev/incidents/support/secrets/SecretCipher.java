package dev.incidents.support.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets a service must be able to read back (a webhook's signing secret, an integration's HMAC secret) at rest:
 * AES-256-GCM under a key from configuration, a random 96-bit nonce per value, and the owner's id as associated data
 * (a value copied onto another owner does not decrypt). Stored as {@code enc1:<key id>:<base64(nonce || ciphertext ||
 * tag)>}, so that several keys can be configured while rotating: values decrypt with the key they name, new ones use
 * the active key; the previous keys are those being retired. A value without the prefix is a secret stored in plain
 * text before encryption existed, and reads as it is.
 */
public class SecretCipher {

    public static final String PREFIX = "enc1:";
    /** The id of a key configured without one. */
    public static final String DEFAULT_KEY_ID = "default";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String activeKeyId;
    private final Map<String, SecretKeySpec> keys;

    /** The setting that holds the keys, named in errors. */
    private final String configName;

    /**
     * {@code active} and each of {@code previous}: {@code <id>:<base64 of 32 bytes>}, or the base64 alone (id
     * {@value #DEFAULT_KEY_ID}); {@code configName} names the setting in errors, e.g. {@code incidents.secrets.key}.
     */
    public SecretCipher(String configName, String active, java.util.List<String> previous) {
        this.configName = configName;
        if (active == null || active.isBlank()) {
            throw new IllegalStateException(configName + " is required: the key that encrypts secrets at rest,"
                    + " e.g. k1:$(openssl rand -base64 32)");
        }
        Map<String, SecretKeySpec> all = new LinkedHashMap<>();
        String[] activeParts = parse(active);
        activeKeyId = activeParts[0];
        all.put(activeKeyId, key(activeParts));
        for (String p : previous) {
            if (!p.isBlank()) {
                String[] parts = parse(p);
                all.putIfAbsent(parts[0], key(parts));
            }
        }
        keys = Map.copyOf(all);
    }

    private static String[] parse(String configured) {
        String v = configured.strip();
        int colon = v.indexOf(':');
        String id = colon < 0 ? DEFAULT_KEY_ID : v.substring(0, colon);
        String material = colon < 0 ? v : v.substring(colon + 1);
        if (id.isEmpty() || !id.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalStateException("a secrets key id must be 1 to 32 of A-Z a-z 0-9 _ -: '" + id + "'");
        }
        return new String[] {id, material};
    }

    private static SecretKeySpec key(String[] parts) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("secrets key " + parts[0] + " is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(
                    "secrets key " + parts[0] + " must be 32 bytes (AES-256), it is " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    /** The value to store for {@code owner}'s secret, under the active key. */
    public String encrypt(String owner, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(owner));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
            return PREFIX + activeKeyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a secret", e);
        }
    }

    /** The secret a stored value holds; a value stored in plain text (before encryption) is returned as it is. */
    public String decrypt(String owner, String stored) {
        if (stored == null || !isEncrypted(stored)) {
            return stored;
        }
        String keyId = keyIdOf(stored);
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("the secret of " + owner + " is encrypted under key '" + keyId
                    + "', which is not configured (" + configName + " or its previous keys)");
        }
        byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length() + keyId.length() + 1));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(aad(owner));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "the secret of " + owner + " does not decrypt under key '" + keyId + "'", e);
        }
    }

    public static boolean isEncrypted(String stored) {
        return stored.startsWith(PREFIX);
    }

    /** The id of the key a stored value is encrypted under; null for a plain value. */
    public static String keyIdOf(String stored) {
        if (!isEncrypted(stored)) {
            return null;
        }
        int end = stored.indexOf(':', PREFIX.length());
        return end < 0 ? "" : stored.substring(PREFIX.length(), end);
    }

    public boolean knows(String keyId) {
        return keys.containsKey(keyId);
    }

    private static byte[] aad(String owner) {
        return owner.getBytes(StandardCharsets.UTF_8);
    }
}
