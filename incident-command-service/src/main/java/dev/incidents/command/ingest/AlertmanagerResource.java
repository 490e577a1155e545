package dev.incidents.command.ingest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.incidents.command.auth.ApiKeyAuthentication;
import dev.incidents.command.auth.ApiKeyIdentityProvider;
import dev.incidents.command.incident.WriteSupport;
import dev.incidents.command.store.CommandContext;
import dev.incidents.command.store.WriteResult;
import dev.incidents.domain.AlertLink;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import dev.incidents.support.validation.SaneTime;
import io.quarkus.vertx.http.runtime.security.annotation.HttpAuthenticationMechanism;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Prometheus Alertmanager's webhook (version 4), body unchanged. Each alert of the group is taken on its own:
 * a firing alert opens the group's incident or attaches to it, a resolved one is recorded on it, and a group
 * re-sent every repeat_interval appends nothing new.
 */
@Path("/api/v1/integrations/alertmanager")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "integrations")
@HttpAuthenticationMechanism(ApiKeyAuthentication.SCHEME)
@RolesAllowed(ApiKeyIdentityProvider.ROLE)
@RateLimited
// One instance for every request: a per-request field (a header, @Context) would make it request scoped, built with
// its interceptors and configuration on each request (5% of the service's CPU at 100 alerts/s).
@Singleton
public class AlertmanagerResource {

    static final String SOURCE = "alertmanager";

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Webhook(
            String version,
            @NotBlank String groupKey,
            Integer truncatedAlerts,
            String status,
            String receiver,
            Map<String, String> groupLabels,
            Map<String, String> commonLabels,
            Map<String, String> commonAnnotations,
            String externalURL,
            @NotNull List<@Valid @NotNull Alert> alerts) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Alert(
            @NotBlank String status,
            @NotNull Map<String, String> labels,
            Map<String, String> annotations,
            @SaneTime(zeroMeansUnset = true) OffsetDateTime startsAt,
            @SaneTime(zeroMeansUnset = true) OffsetDateTime endsAt,
            String generatorURL,
            String fingerprint) {}

    /** Where each alert went; {@code incidentId} and {@code sequence} are the first incident's, as for every write. */
    public record IngestAnswer(String incidentId, long sequence, List<WriteSupport.WriteAnswer> incidents) {}

    @Inject
    AlertIngest ingest;

    @Inject
    IngestConfig config;

    @Inject
    WriteSupport write;

    @POST
    @Operation(summary = "Receive an Alertmanager webhook (v4)")
    public Response receive(@NotNull @Valid Webhook body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (body.alerts().size() > config.maxAlertsPerRequest()) {
            throw new ProblemException(
                    Problem.invalid("alerts", "at most " + config.maxAlertsPerRequest() + " alerts per request"));
        }
        List<AlertSignal> signals = new ArrayList<>();
        for (int i = 0; i < body.alerts().size(); i++) {
            signals.add(signal(body, body.alerts().get(i), i));
        }
        CommandContext ctx = write.context(null, null, idempotencyKey, "alertmanager", body);
        return answer(ingest.ingest(ctx, signals, config.alertmanager().autoResolve()));
    }

    /** Alertmanager's and Grafana's alert status: firing or resolved, anything else names the field. */
    static boolean firing(String status, int index) {
        return switch (status) {
            case "firing" -> true;
            case "resolved" -> false;
            default ->
                throw new ProblemException(
                        Problem.invalid("alerts[" + index + "].status", "must be firing or resolved"));
        };
    }

    private AlertSignal signal(Webhook body, Alert a, int index) {
        Map<String, String> labels = a.labels();
        return AlertSignal.labelled(
                SOURCE,
                body.groupKey(),
                AlertSignal.identity(a.fingerprint(), labels),
                firing(a.status(), index),
                "alert",
                labels,
                a.annotations(),
                config.severityOf(labels.get("severity")),
                labels.get(config.alertmanager().serviceLabel()),
                Map.of(),
                a.generatorURL() == null ? List.of() : List.of(new AlertLink(a.generatorURL(), "source")),
                realTime(a.startsAt()),
                realTime(a.endsAt()));
    }

    /** Alertmanager sends 0001-01-01T00:00:00Z for "no end yet". */
    static OffsetDateTime realTime(OffsetDateTime t) {
        return t == null || t.getYear() < 1970 ? null : t;
    }

    static Response answer(List<WriteResult> results) {
        // One entry per incident, in the order the alerts reached them, with the last sequence the request wrote.
        Map<String, Long> incidents = new LinkedHashMap<>();
        for (WriteResult r : results) {
            if (r.incidentId() != null) {
                incidents.put(r.incidentId(), r.sequence());
            }
        }
        List<WriteSupport.WriteAnswer> answers = incidents.entrySet().stream()
                .map(e -> new WriteSupport.WriteAnswer(e.getKey(), e.getValue()))
                .toList();
        WriteSupport.WriteAnswer first = answers.isEmpty() ? new WriteSupport.WriteAnswer(null, 0) : answers.get(0);
        return Response.accepted(new IngestAnswer(first.incidentId(), first.sequence(), answers))
                .build();
    }
}
