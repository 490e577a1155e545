package dev.incidents.notifier.webhook;

import dev.incidents.notifier.NotifierConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;

/**
 * Webhook signing secrets at rest (#11, item 13), under {@code notifier.secrets.key} ({@code
 * notifier.secrets.previous-keys} holds the keys being retired), the subscription's id as associated data. A value
 * without the prefix is a secret stored in plain text before encryption existed; start-up encrypts it
 * ({@link SecretReencryption}).
 */
@Singleton
public class SecretCipher extends dev.incidents.support.secrets.SecretCipher {

    @Inject
    public SecretCipher(NotifierConfig config) {
        this(
                config.secrets().key().orElse(null),
                config.secrets().previousKeys().orElse(List.of()));
    }

    public SecretCipher(String active, List<String> previous) {
        super("notifier.secrets.key (NOTIFIER_SECRETS_KEY)", active, previous);
    }

    /** The value to store for a subscription's secret, under the active key. */
    public String encrypt(UUID subscriptionId, String secret) {
        return encrypt(subscriptionId.toString(), secret);
    }

    /** The secret a stored value holds; a value stored in plain text (before encryption) is returned as it is. */
    public String decrypt(UUID subscriptionId, String stored) {
        return decrypt(subscriptionId.toString(), stored);
    }
}
