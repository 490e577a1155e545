package dev.incidents.infra;

import static dev.incidents.infra.Timing.timed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {

    @Test
    void twoDatabases_eachKeepTheirOwnRows() throws Exception {
        try (EmbeddedPostgres pg = timed("PostgreSQL start (temporary, initdb)", EmbeddedPostgres::startTemporary)) {
            pg.createDatabase("alpha");
            pg.createDatabase("alpha"); // idempotent
            pg.createDatabase("beta");

            sql(pg, "alpha", "create table incident (id text primary key)", "insert into incident values ('in-alpha')");
            sql(pg, "beta", "create table incident (id text primary key)", "insert into incident values ('in-beta')");

            assertEquals(List.of("in-alpha"), query(pg, "alpha", "select id from incident"));
            assertEquals(List.of("in-beta"), query(pg, "beta", "select id from incident"));
            assertTrue(pg.jdbcUrl("alpha").matches("jdbc:postgresql://127\\.0\\.0\\.1:" + pg.port() + "/alpha"));
        }
    }

    @Test
    void rowsSurviveARestart_onTheSameDataDir(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg =
                timed("PostgreSQL start (new data dir, initdb)", () -> EmbeddedPostgres.start(dir, 0))) {
            pg.createDatabase("incident_query");
            sql(pg, "incident_query", "create table t (v text)", "insert into t values ('kept')");
            timed("PostgreSQL clean shutdown", pg::close);
        }
        try (EmbeddedPostgres pg =
                timed("PostgreSQL restart (existing data dir)", () -> EmbeddedPostgres.start(dir, 0))) {
            assertEquals(List.of("kept"), query(pg, "incident_query", "select v from t"));
        }
        assertTrue(Files.exists(dir.resolve("PG_VERSION")), "close leaves a given data folder alone");
    }

    @Test
    void serverLeftRunningByAKilledJvm_isStoppedOnNextStart_andItsDataKept(@TempDir Path dir) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", classpath, PostgresHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long orphanPid;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
            assertEquals("READY", line);
            orphanPid = Long.parseLong(
                    Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
        } finally {
            holder.destroyForcibly(); // SIGKILL: no shutdown hook runs, the postmaster is left behind
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(
                ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false),
                "pg_ctl's daemon outlives the JVM");

        try (EmbeddedPostgres pg = timed("PostgreSQL start after an orphan", () -> EmbeddedPostgres.start(dir, 0))) {
            assertFalse(
                    ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false), "the orphan was stopped");
            assertEquals(List.of("committed before the kill"), query(pg, "held", "select v from t"));
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void durability_isPostgresDefault_fsyncAndSynchronousCommitOn() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.startTemporary()) {
            assertEquals(List.of("on"), query(pg, "postgres", "show fsync"));
            assertEquals(List.of("on"), query(pg, "postgres", "show synchronous_commit"));
            assertEquals(List.of("300"), query(pg, "postgres", "show max_connections"));
        }
    }

    @Test
    void closedServer_refusesConnections() throws Exception {
        String url;
        try (EmbeddedPostgres pg = EmbeddedPostgres.startTemporary()) {
            url = pg.jdbcUrl("postgres");
            assertFalse(query(pg, "postgres", "select version()").isEmpty());
        }
        assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(url, "postgres", "postgres").close());
    }

    private static void sql(EmbeddedPostgres pg, String database, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.username(), pg.password());
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static List<String> query(EmbeddedPostgres pg, String database, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.username(), pg.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
