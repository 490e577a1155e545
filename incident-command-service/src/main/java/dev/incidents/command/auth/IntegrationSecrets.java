package dev.incidents.command.auth;

import dev.incidents.support.secrets.SecretCipher;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Integration secrets the command service must read back (a Grafana contact point's HMAC secret per API key), kept
 * encrypted under {@code incidents.secrets.key} ({@code incidents.secrets.previous-keys} while rotating), the API
 * key's id as associated data. Without a key configured, no such secret can be set.
 */
@Singleton
public class IntegrationSecrets {

    static final String SETTING = "incidents.secrets.key (INCIDENTS_SECRETS_KEY)";

    private final Optional<SecretCipher> cipher;

    @Inject
    public IntegrationSecrets(
            @ConfigProperty(name = "incidents.secrets.key") Optional<String> key,
            @ConfigProperty(name = "incidents.secrets.previous-keys") Optional<List<String>> previous) {
        cipher = key.filter(k -> !k.isBlank()).map(k -> new SecretCipher(SETTING, k, previous.orElse(List.of())));
    }

    public boolean available() {
        return cipher.isPresent();
    }

    public String encrypt(String keyId, String secret) {
        return cipher.orElseThrow(() -> new IllegalStateException(SETTING + " is not configured"))
                .encrypt(keyId, secret);
    }

    public String decrypt(String keyId, String stored) {
        return cipher.orElseThrow(() -> new IllegalStateException(
                        "API key " + keyId + " has an encrypted Grafana secret but " + SETTING + " is not configured"))
                .decrypt(keyId, stored);
    }
}
