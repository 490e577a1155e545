package dev.incidents.notifier.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.notifier.NotifierServiceTest;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The type and the table agree: the delivery table admits exactly the statuses the code knows, no more, no fewer. */
@QuarkusTest
@NotifierServiceTest
class DeliveryStatusTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theTablesCheckConstraint_admitsExactlyTheStatusesOfTheType() throws Exception {
        Set<String> admitted = new TreeSet<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_get_constraintdef(oid) from pg_constraint"
                        + " where conrelid = 'delivery'::regclass and contype = 'c'"
                        + " and pg_get_constraintdef(oid) like '%status%'")) {
            while (rs.next()) {
                Matcher m = Pattern.compile("'([a-z_]+)'").matcher(rs.getString(1));
                while (m.find()) {
                    admitted.add(m.group(1));
                }
            }
        }
        Set<String> known = new TreeSet<>(Arrays.stream(DeliveryStatus.values())
                .map(DeliveryStatus::wireName)
                .toList());
        assertEquals(known, admitted);
    }
}
