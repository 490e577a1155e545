package dev.incidents.query.metrics;

import dev.incidents.support.work.WorkLoop;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code incidents_open{tenant, severity, service}}: the incidents not yet resolved or closed, from the read model,
 * counted every {@code incidents.metrics.open-interval} (not at each scrape: a scrape must not cost a query). An
 * incident of several services counts once for each; one of none under service "none". Beside it
 * {@code incidents_open_by_severity{tenant, severity}} counts each incident once. Every query replica reports the
 * same numbers: take {@code max}, not {@code sum}, across them. At most
 * {@value #MAX_SERIES} series, the largest, so that a tenant with thousands of services cannot flood Prometheus.
 */
@ApplicationScoped
public class OpenIncidentsGauge {

    private static final Logger LOG = Logger.getLogger(OpenIncidentsGauge.class);

    static final String METRIC = "incidents_open";
    static final int MAX_SERIES = 1000;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "incidents.metrics.open-interval", defaultValue = "PT15S")
    Duration interval;

    private MultiGauge gauge;
    private MultiGauge bySeverity;
    private WorkLoop loop;

    void start(@Observes StartupEvent ignored) {
        gauge = MultiGauge.builder(METRIC)
                .description("Incidents not yet resolved or closed, by tenant, severity and service")
                .register(registry);
        bySeverity = MultiGauge.builder(METRIC + "_by_severity")
                .description("Incidents not yet resolved or closed, by tenant and severity (each counted once)")
                .register(registry);
        loop = new WorkLoop("open-incidents-gauge", interval, LOG, () -> {
            count();
            return false; // once per interval
        });
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
    }

    void count() throws Exception {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        select tenant, severity, coalesce(service, 'none'), count(*)
                          from incident_view left join lateral unnest(services) as service on true
                         where status not in ('resolved', 'closed')
                         group by 1, 2, 3
                         order by 4 desc
                         limit ?
                        """)) {
            ps.setInt(1, MAX_SERIES);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(MultiGauge.Row.of(
                            Tags.of("tenant", rs.getString(1), "severity", rs.getString(2), "service", rs.getString(3)),
                            rs.getLong(4)));
                }
            }
        }
        gauge.register(rows, true); // series no longer open go away
        List<MultiGauge.Row<?>> severities = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select tenant, severity, count(*) from incident_view"
                        + " where status not in ('resolved', 'closed') group by 1, 2 order by 3 desc limit ?")) {
            ps.setInt(1, MAX_SERIES);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    severities.add(MultiGauge.Row.of(
                            Tags.of("tenant", rs.getString(1), "severity", rs.getString(2)), rs.getLong(3)));
                }
            }
        }
        bySeverity.register(severities, true);
    }
}
