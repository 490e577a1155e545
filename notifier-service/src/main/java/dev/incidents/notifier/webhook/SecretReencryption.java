package dev.incidents.notifier.webhook;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * At start-up, every stored webhook secret that is not under the active key (a plain value from before
 * encryption, or one under a key being retired) is encrypted under the active key. Each row is rewritten only if
 * it still holds the value read, so replicas starting together do no harm. A value under a key that is not
 * configured stops the start: its subscription could not be signed for.
 */
@ApplicationScoped
public class SecretReencryption {

    private static final Logger LOG = Logger.getLogger(SecretReencryption.class);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SecretCipher cipher;

    void onStart(@Observes @Priority(10) StartupEvent ignored) {
        int done = reencrypt();
        if (done > 0) {
            LOG.infof("encrypted %d webhook signing secrets under key '%s'", done, cipher.activeKeyId());
        }
    }

    /** Re-encrypts what is not under the active key; answers how many values it rewrote. */
    public int reencrypt() {
        record Row(UUID id, String stored) {}
        List<Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "select id, secret from subscription where secret is not null" + " and secret not like ?")) {
                ps.setString(1, SecretCipher.PREFIX + cipher.activeKeyId() + ":%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2)));
                    }
                }
            }
            int done = 0;
            try (PreparedStatement update =
                    c.prepareStatement("update subscription set secret = ? where id = ? and secret = ?")) {
                for (Row row : rows) {
                    String secret = cipher.decrypt(row.id(), row.stored());
                    update.setString(1, cipher.encrypt(row.id(), secret));
                    update.setObject(2, row.id());
                    update.setString(3, row.stored());
                    done += update.executeUpdate();
                }
            }
            return done;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot re-encrypt webhook secrets", e);
        }
    }
}
