package dev.incidents.query.projection;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;

/** Rows in PostgreSQL's COPY text format (tab-separated, backslash escapes), and the COPY that loads them. */
final class CopyText {

    private CopyText() {}

    /** A column followed by the tab that separates it from the next. */
    static void field(StringBuilder row, String value) {
        escape(row, value);
        row.append('\t');
    }

    /** The row's last column and the end of the row. */
    static void last(StringBuilder row, String value) {
        escape(row, value);
        row.append('\n');
    }

    private static void escape(StringBuilder out, String value) {
        int clean = 0; // value[clean, i) needs no escape and goes in as one piece
        for (int i = 0; i < value.length(); i++) {
            String escaped = switch (value.charAt(i)) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (escaped != null) {
                out.append(value, clean, i).append(escaped);
                clean = i + 1;
            }
        }
        out.append(value, clean, value.length());
    }

    /** Runs {@code copy ... from stdin} on the connection (inside its current transaction) with these rows. */
    static long copyIn(Connection c, String sql, CharSequence rows) throws SQLException {
        try {
            return c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(rows.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), e);
        }
    }
}
