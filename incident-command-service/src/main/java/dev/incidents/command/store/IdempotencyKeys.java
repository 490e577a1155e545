package dev.incidents.command.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The first answer given to each Idempotency-Key, per tenant, kept in the same transaction as its events. */
@ApplicationScoped
public class IdempotencyKeys {

    public record Stored(String requestHash, WriteResult result) {}

    @Inject
    AgroalDataSource dataSource;

    public Optional<Stored> find(String tenant, String key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select request_hash, response_status, response_body"
                        + " from idempotency_key where tenant = ? and idem_key = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                // response_body holds "incidentId sequence": the whole answer of a write.
                String[] body = rs.getString(3).split(" ", 2);
                return Optional.of(new Stored(rs.getString(1), new WriteResult(body[0], Long.parseLong(body[1]), rs.getInt(2))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read idempotency key", e);
        }
    }

    /** False when a concurrent request with the same key committed first. */
    public boolean save(String tenant, String key, String requestHash, WriteResult result) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("insert into idempotency_key"
                        + " (tenant, idem_key, request_hash, response_status, response_body) values (?, ?, ?, ?, ?)"
                        + " on conflict do nothing")) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            ps.setString(3, requestHash);
            ps.setInt(4, result.status());
            ps.setString(5, result.incidentId() + " " + result.sequence());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save idempotency key", e);
        }
    }
}
