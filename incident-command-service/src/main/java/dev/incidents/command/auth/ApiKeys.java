package dev.incidents.command.auth;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Integration API keys, kept as SHA-256 hashes; each belongs to one tenant. */
@ApplicationScoped
public class ApiKeys {

    /** @param grafanaSigning whether Grafana requests with this key must carry its own HMAC signature */
    public record ApiKey(
            String keyId,
            String tenant,
            String name,
            OffsetDateTime createdAt,
            OffsetDateTime revokedAt,
            boolean grafanaSigning) {}

    /** A key just created: the only moment its secret is known. */
    public record Created(ApiKey apiKey, String key) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AuthConfig config;

    void installBootstrapKey(@Observes StartupEvent ignored) {
        config.bootstrapApiKey().filter(k -> !k.isBlank()).ifPresent(key -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "insert into api_key (key_id, tenant, name, key_hash) values (?, ?, ?, ?)"
                                    + " on conflict (key_hash) do nothing")) {
                ps.setString(1, "bootstrap-" + hash(key).substring(0, 12));
                ps.setString(2, config.bootstrapTenant());
                ps.setString(3, config.bootstrapKeyName());
                ps.setString(4, hash(key));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot install the bootstrap API key", e);
            }
        });
    }

    /** What a replica last read of a presented key (by its hash): the live key, or none. */
    private record Verified(Optional<ApiKey> key, long expiresAtNanos) {}

    private static final int MAX_VERIFIED = 10_000;

    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    /**
     * The live key the caller presented, if any. Answered from what this replica read within the last
     * {@code incidents.auth.api-key-cache}, so that a request costs no database round trip for its key.
     */
    public Optional<ApiKey> verify(String presented) {
        if (presented == null || presented.isBlank() || presented.length() > 200) {
            return Optional.empty();
        }
        String hash = hash(presented.trim());
        long now = System.nanoTime();
        Verified known = verified.get(hash);
        if (known != null && now - known.expiresAtNanos() < 0) {
            return known.key();
        }
        Optional<ApiKey> key = lookup(hash);
        if (verified.size() >= MAX_VERIFIED) {
            verified.clear(); // bounded: a flood of made-up keys cannot grow it
        }
        verified.put(hash, new Verified(key, now + config.apiKeyCache().toNanos()));
        return key;
    }

    private Optional<ApiKey> lookup(String hash) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select key_id, tenant, name, created_at, revoked_at, grafana_secret is not null from api_key"
                                + " where key_hash = ? and revoked_at is null")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot verify API key", e);
        }
    }

    public Created create(String tenant, String name) {
        String keyId = newKeyId();
        String key = "ik_" + keyId + "_" + newSecret();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("insert into api_key (key_id, tenant, name, key_hash) values (?, ?, ?, ?)"
                                + " returning key_id, tenant, name, created_at, revoked_at, false")) {
            ps.setString(1, keyId);
            ps.setString(2, tenant);
            ps.setString(3, name);
            ps.setString(4, hash(key));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                verified.remove(hash(key));
                return new Created(row(rs), key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create API key", e);
        }
    }

    public List<ApiKey> list(String tenant) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select key_id, tenant, name, created_at, revoked_at, grafana_secret is not null from api_key"
                                + " where tenant = ? order by created_at")) {
            ps.setString(1, tenant);
            List<ApiKey> keys = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(row(rs));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list API keys", e);
        }
    }

    /** False when the tenant has no such live key. */
    public boolean revoke(String tenant, String keyId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update api_key set revoked_at = now()"
                        + " where tenant = ? and key_id = ? and revoked_at is null")) {
            ps.setString(1, tenant);
            ps.setString(2, keyId);
            boolean revoked = ps.executeUpdate() == 1;
            // At once on this replica; other replicas within the cache time.
            verified.values()
                    .removeIf(v -> v.key()
                            .filter(k -> k.tenant().equals(tenant) && k.keyId().equals(keyId))
                            .isPresent());
            return revoked;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke API key", e);
        }
    }

    private static ApiKey row(ResultSet rs) throws SQLException {
        return new ApiKey(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getObject(4, OffsetDateTime.class),
                rs.getObject(5, OffsetDateTime.class),
                rs.getBoolean(6));
    }

    /**
     * A Grafana contact point's signing settings for one key.
     *
     * @param secret as stored: encrypted ({@link IntegrationSecrets})
     * @param timestampHeader the header the contact point sends its signed Unix time in
     */
    public record GrafanaSigning(String secret, String timestampHeader) {}

    private record KnownSigning(Optional<GrafanaSigning> signing, long expiresAtNanos) {}

    private final ConcurrentHashMap<String, KnownSigning> signings = new ConcurrentHashMap<>();

    /**
     * The key's own Grafana signing settings, if it has any; read at most once per {@code incidents.auth.api-key-cache}
     * on a replica, like the key itself.
     */
    public Optional<GrafanaSigning> grafanaSigning(String keyId) {
        long now = System.nanoTime();
        KnownSigning known = signings.get(keyId);
        if (known != null && now - known.expiresAtNanos() < 0) {
            return known.signing();
        }
        Optional<GrafanaSigning> signing;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select grafana_secret, grafana_timestamp_header from api_key"
                        + " where key_id = ? and grafana_secret is not null")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                signing = rs.next()
                        ? Optional.of(new GrafanaSigning(rs.getString(1), rs.getString(2)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the signing settings of API key " + keyId, e);
        }
        if (signings.size() >= MAX_VERIFIED) {
            signings.clear();
        }
        signings.put(keyId, new KnownSigning(signing, now + config.apiKeyCache().toNanos()));
        return signing;
    }

    /**
     * Sets (or, with a null secret, removes) the key's Grafana signing settings; false when the tenant has no such
     * live key. Seen at once on this replica, on the others within the cache time.
     */
    public boolean setGrafanaSigning(String tenant, String keyId, String storedSecret, String timestampHeader) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update api_key set grafana_secret = ?,"
                        + " grafana_timestamp_header = ? where tenant = ? and key_id = ? and revoked_at is null")) {
            ps.setString(1, storedSecret);
            ps.setString(2, storedSecret == null ? null : timestampHeader);
            ps.setString(3, tenant);
            ps.setString(4, keyId);
            boolean updated = ps.executeUpdate() == 1;
            signings.remove(keyId);
            verified.clear(); // the listed flag
            return updated;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the signing settings of API key " + keyId, e);
        }
    }

    /**
     * A key's public id: 6 random bytes (hex) of their own, drawn apart from the secret, so that the id shown in
     * lists, logs and URLs tells nothing about the secret. (Keys created before had the secret's first 4 bytes as
     * id; they still verify, by the hash of the whole key.)
     */
    static String newKeyId() {
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** The secret part: 32 random bytes, base64url. */
    static String newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
