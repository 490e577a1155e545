package dev.incidents.notifier;

import static dev.incidents.testsupport.ScriptedReceiver.Answer.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.Severity;
import dev.incidents.notifier.webhook.SecretCipher;
import dev.incidents.notifier.webhook.SecretReencryption;
import dev.incidents.notifier.webhook.WebhookSignature;
import dev.incidents.testsupport.ScriptedReceiver;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** #11, item 13: webhook signing secrets are stored encrypted, and deliveries are still signed with the shown secret. */
@QuarkusTest
@NotifierServiceTest
class SecretsAtRestTest {

    private final Api api = new Api();
    private final ScriptedReceiver receiver = TestEndpoints.receiver;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SecretCipher cipher;

    @Inject
    SecretReencryption reencryption;

    private String stored(String subscriptionId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select secret from subscription where id = ?")) {
            ps.setObject(1, UUID.fromString(subscriptionId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void theStoredValueIsNotTheSecret_andDeliveriesVerifyWithTheShownSecret() throws Exception {
        String path = "/at-rest-" + UUID.randomUUID();
        receiver.script(path, status(204));
        JsonPath created = api.subscribe("webhook", receiver.url(path));
        String secret = created.getString("secret");
        String id = created.getString("id");
        receiver.verifyWith(path, secret);

        String stored = stored(id);
        assertTrue(stored.startsWith("enc1:test:"), stored);
        assertFalse(stored.contains(secret), "the secret is not in the stored value");
        assertFalse(stored.contains(secret.substring("whsec_".length())), "not even its key bytes");
        assertEquals(secret, cipher.decrypt(UUID.fromString(id), stored));

        new Stream(api.tenant).declare("Disk full", Severity.SEV2, "storage");
        api.awaitDeliveries(id, Api.allSettled(1), Duration.ofSeconds(45));
        List<Request> got = receiver.requests(path);
        assertEquals(1, got.size());
        assertTrue(got.get(0).signatureValid(), "signed with the secret shown at creation");
    }

    @Test
    void aSecretStoredInPlainText_isEncryptedAtStartUp_andStillSigns() throws Exception {
        String path = "/legacy-" + UUID.randomUUID();
        receiver.script(path, status(204));
        JsonPath created = api.subscribe("webhook", receiver.url(path));
        String id = created.getString("id");
        // As a subscription created before encryption was stored it.
        String plain = WebhookSignature.newSecret();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update subscription set secret = ? where id = ?")) {
            ps.setString(1, plain);
            ps.setObject(2, UUID.fromString(id));
            ps.executeUpdate();
        }
        receiver.verifyWith(path, plain);

        assertTrue(reencryption.reencrypt() >= 1);
        String stored = stored(id);
        assertTrue(stored.startsWith("enc1:test:"), stored);
        assertFalse(stored.contains(plain.substring("whsec_".length())));
        assertEquals(0, reencryption.reencrypt(), "nothing left to do");

        new Stream(api.tenant).declare("Queue stuck", Severity.SEV3, "queue");
        api.awaitDeliveries(id, Api.allSettled(1), Duration.ofSeconds(45));
        assertTrue(receiver.requests(path).get(0).signatureValid());
    }
}
