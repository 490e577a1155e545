package dev.incidents.testsupport;

import dev.incidents.infra.EmbeddedKafka;
import dev.incidents.infra.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real Kafka broker and one real PostgreSQL server per test JVM, shared by every test class of a module.
 * Where a Docker engine runs they are containers (Testcontainers); where none does, as on our CI machines,
 * they are started in-process from Kafka's own jars and from PostgreSQL binaries packaged on Maven Central.
 * The system property {@code incidents.test.infra} ({@code auto}, {@code embedded}, {@code containers})
 * forces a choice.
 */
public final class TestInfrastructure {

    private static final Logger LOG = Logger.getLogger(TestInfrastructure.class);

    /** What the tests connect to. */
    public interface Servers {
        String bootstrapServers();

        String jdbcUrl(String database);

        String username();

        String password();

        void createDatabase(String database);
    }

    private static Servers servers;

    private TestInfrastructure() {}

    public static synchronized Servers servers() {
        if (servers == null) {
            long t0 = System.nanoTime();
            servers = useContainers() ? containers() : embedded();
            LOG.infof(
                    "test Kafka %s and PostgreSQL ready in %d ms",
                    servers.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
        }
        return servers;
    }

    private static boolean useContainers() {
        String choice = System.getProperty("incidents.test.infra", "auto");
        return switch (choice) {
            case "containers" -> true;
            case "embedded" -> false;
            default -> dockerAvailable();
        };
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    private static Servers embedded() {
        EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        EmbeddedPostgres postgres = EmbeddedPostgres.startTemporary();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            kafka.close();
                            postgres.close();
                        },
                        "test-infrastructure-stop"));
        return new Servers() {
            public String bootstrapServers() {
                return kafka.bootstrapServers();
            }

            public String jdbcUrl(String database) {
                return postgres.jdbcUrl(database);
            }

            public String username() {
                return postgres.username();
            }

            public String password() {
                return postgres.password();
            }

            public void createDatabase(String database) {
                postgres.createDatabase(database);
            }
        };
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' own reaper when the JVM ends
    private static Servers containers() {
        KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.1");
        PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17-alpine");
        kafka.start();
        postgres.start();
        return new Servers() {
            public String bootstrapServers() {
                return kafka.getBootstrapServers();
            }

            public String jdbcUrl(String database) {
                return "jdbc:postgresql://" + postgres.getHost() + ":" + postgres.getMappedPort(5432) + "/" + database;
            }

            public String username() {
                return postgres.getUsername();
            }

            public String password() {
                return postgres.getPassword();
            }

            public void createDatabase(String database) {
                createIfMissing(jdbcUrl(postgres.getDatabaseName()), username(), password(), database);
            }
        };
    }

    static void createIfMissing(String adminUrl, String user, String password, String database) {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery("select 1 from pg_database where datname = '" + database.replace("'", "''") + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("create database \"" + database.replace("\"", "") + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
    }
}
