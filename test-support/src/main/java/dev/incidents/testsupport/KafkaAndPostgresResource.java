package dev.incidents.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a @QuarkusTest at the real Kafka and PostgreSQL of {@link TestInfrastructure}, in a database of its
 * own: {@code @WithTestResource(value = KafkaAndPostgresResource.class, initArgs = @ResourceArg(name = "database", value = "..."))}.
 */
public class KafkaAndPostgresResource implements QuarkusTestResourceLifecycleManager {

    /** One key per JVM, like the database server: a notifier restarted within the JVM still reads what it wrote. */
    public static final String SECRETS_KEY = "test:" + randomKey();

    private String database = "incidents";

    static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        TestInfrastructure.Servers servers = TestInfrastructure.servers();
        servers.createDatabase(database);
        return Map.of(
                "kafka.bootstrap.servers", servers.bootstrapServers(),
                "quarkus.datasource.jdbc.url", servers.jdbcUrl(database),
                "quarkus.datasource.username", servers.username(),
                "quarkus.datasource.password", servers.password(),
                // Bearer tokens of TestAuth verify; its API key is installed for the default tenant.
                "quarkus.oidc.public-key", TestAuth.publicKey(),
                "quarkus.oidc.token.issuer", dev.incidents.infra.DevTokens.ISSUER,
                "incidents.auth.bootstrap-api-key", TestAuth.API_KEY,
                // The notifier encrypts webhook signing secrets at rest under this key (the other services ignore it).
                "notifier.secrets.key", SECRETS_KEY);
    }

    @Override
    public void stop() {
        // The servers outlive one test class: every class of the module shares them until the JVM ends.
    }
}
