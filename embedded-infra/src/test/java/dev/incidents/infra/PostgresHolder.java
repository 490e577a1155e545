package dev.incidents.infra;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Run in a child JVM by a test: starts PostgreSQL on a folder, commits a row, says READY and waits to be killed. */
public final class PostgresHolder {

    private PostgresHolder() {}

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]), 0);
        pg.createDatabase("held");
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("held"), pg.username(), pg.password());
                Statement s = c.createStatement()) {
            s.execute("create table t (v text)");
            s.execute("insert into t values ('committed before the kill')");
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
