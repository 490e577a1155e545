package dev.incidents.notifier.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static String key(String id) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return id + ":" + Base64.getEncoder().encodeToString(k);
    }

    @Test
    void aValueWrittenUnderAnOldKey_stillDecryptsAfterTheActiveKeyChanged() {
        String k1 = key("k1");
        String k2 = key("k2");
        UUID id = UUID.randomUUID();
        String secret = WebhookSignature.newSecret();
        String underK1 = new SecretCipher(k1, List.of()).encrypt(id, secret);
        assertTrue(underK1.startsWith("enc1:k1:"));

        SecretCipher rotated = new SecretCipher(k2, List.of(k1));
        assertEquals(secret, rotated.decrypt(id, underK1));
        String underK2 = rotated.encrypt(id, secret);
        assertTrue(underK2.startsWith("enc1:k2:"), "new values use the active key");
        assertEquals(secret, rotated.decrypt(id, underK2));

        // Once k1 is dropped from the configuration, a value still under it is refused, not misread.
        assertThrows(IllegalStateException.class, () -> new SecretCipher(k2, List.of()).decrypt(id, underK1));
    }

    @Test
    void freshNoncePerValue_andTheSubscriptionIdIsBound() {
        SecretCipher cipher = new SecretCipher(key("k1"), List.of());
        UUID id = UUID.randomUUID();
        String secret = WebhookSignature.newSecret();
        assertNotEquals(cipher.encrypt(id, secret), cipher.encrypt(id, secret), "a random nonce per value");
        String stored = cipher.encrypt(id, secret);
        assertThrows(
                IllegalStateException.class,
                () -> cipher.decrypt(UUID.randomUUID(), stored),
                "a value copied onto another subscription does not decrypt");
        String tampered = stored.substring(0, stored.length() - 3) + (stored.endsWith("A==") ? "B==" : "A==");
        assertThrows(RuntimeException.class, () -> cipher.decrypt(id, tampered));
    }

    @Test
    void aPlainValueFromBeforeEncryption_readsAsItIs_andKeysAreChecked() {
        SecretCipher cipher = new SecretCipher(key("k1"), List.of());
        assertEquals("whsec_abc", cipher.decrypt(UUID.randomUUID(), "whsec_abc"));
        assertThrows(IllegalStateException.class, () -> new SecretCipher(null, List.of()));
        assertThrows(
                IllegalStateException.class,
                () -> new SecretCipher("k1:" + Base64.getEncoder().encodeToString(new byte[16]), List.of()));
        assertEquals(
                "default", new SecretCipher(Base64.getEncoder().encodeToString(new byte[32]), List.of()).activeKeyId());
    }
}
