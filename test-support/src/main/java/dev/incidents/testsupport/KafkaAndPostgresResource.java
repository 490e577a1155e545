package dev.incidents.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a @QuarkusTest at the real Kafka and PostgreSQL of {@link TestInfrastructure}, in a database of its
 * own: {@code @WithTestResource(value = KafkaAndPostgresResource.class, initArgs = @ResourceArg(name = "database", value = "..."))}.
 */
public class KafkaAndPostgresResource implements QuarkusTestResourceLifecycleManager {

    private String database = "incidents";

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
                "incidents.auth.bootstrap-api-key", TestAuth.API_KEY);
    }

    @Override
    public void stop() {
        // The servers outlive one test class: every class of the module shares them until the JVM ends.
    }
}
