package dev.incidents.command.ingest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.command.auth.ApiKeyAuthentication;
import dev.incidents.command.auth.ApiKeyIdentityProvider;
import dev.incidents.command.auth.ApiKeys;
import dev.incidents.command.auth.IntegrationSecrets;
import dev.incidents.command.incident.WriteSupport;
import dev.incidents.command.store.CommandContext;
import dev.incidents.domain.AlertLink;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import dev.incidents.support.validation.SaneTime;
import io.quarkus.vertx.http.runtime.security.annotation.HttpAuthenticationMechanism;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Grafana alerting's webhook contact point, body unchanged: Alertmanager's shape plus title, state, message,
 * each alert's values and dashboard/panel/silence URLs. With a secret configured, the contact point's HMAC
 * signature (hex HMAC-SHA256 of [timestamp ":"] body) must verify, and a signed timestamp be within
 * {@code max-signature-age} of now, or nothing is taken (401).
 */
@Path("/api/v1/integrations/grafana")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "integrations")
@HttpAuthenticationMechanism(ApiKeyAuthentication.SCHEME)
@RolesAllowed(ApiKeyIdentityProvider.ROLE)
@RateLimited
// One instance for every request: a per-request field (a header, @Context) would make it request scoped, built with
// its interceptors and configuration on each request (5% of the service's CPU at 100 alerts/s).
@Singleton
public class GrafanaResource {

    static final String SOURCE = "grafana";

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "GrafanaWebhook", description = "Grafana alerting's webhook body; other fields are ignored")
    public record Webhook(
            String receiver,
            String status,
            Long orgId,
            String groupKey,
            Map<String, String> groupLabels,
            Map<String, String> commonLabels,
            Map<String, String> commonAnnotations,
            String externalURL,
            String version,
            Integer truncatedAlerts,
            String title,
            String state,
            String message,
            @NotNull List<@Valid @NotNull Alert> alerts) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "GrafanaAlert")
    public record Alert(
            @NotBlank String status,
            @NotNull Map<String, String> labels,
            Map<String, String> annotations,
            @SaneTime(zeroMeansUnset = true) OffsetDateTime startsAt,
            @SaneTime(zeroMeansUnset = true) OffsetDateTime endsAt,
            String generatorURL,
            String fingerprint,
            String silenceURL,
            String dashboardURL,
            String panelURL,
            Map<String, Object> values,
            String valueString) {}

    @Inject
    AlertIngest ingest;

    @Inject
    IngestConfig config;

    @Inject
    WriteSupport write;

    @Inject
    ObjectMapper mapper;

    @Inject
    Validator validator;

    @Inject
    Caller caller;

    @Inject
    ApiKeys keys;

    @Inject
    IntegrationSecrets secrets;

    @POST
    @Operation(summary = "Receive a Grafana alerting webhook")
    public Response receive(
            // Read as it came, to verify its signature; documented as the webhook it is.
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(implementation = Webhook.class)))
                    String raw,
            @Context HttpHeaders headers,
            @HeaderParam("Idempotency-Key") String idempotencyKey)
            throws Exception {
        verifySignature(raw, headers);
        if (raw == null || raw.isBlank()) {
            throw new ProblemException(Problem.invalid("body", "a Grafana webhook body is required"));
        }
        Webhook body = mapper.readValue(raw, Webhook.class);
        Set<ConstraintViolation<Webhook>> violations = validator.validate(body);
        if (!violations.isEmpty()) {
            throw new ProblemException(Problem.invalid(violations.stream()
                    .map(v -> new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage()))
                    .sorted(java.util.Comparator.comparing(Problem.FieldError::field))
                    .toList()));
        }
        if (body.alerts().size() > config.maxAlertsPerRequest()) {
            throw new ProblemException(
                    Problem.invalid("alerts", "at most " + config.maxAlertsPerRequest() + " alerts per request"));
        }
        List<AlertSignal> signals = new ArrayList<>();
        for (int i = 0; i < body.alerts().size(); i++) {
            signals.add(signal(body, body.alerts().get(i), i));
        }
        CommandContext ctx = write.context(null, null, idempotencyKey, "grafana", body);
        return AlertmanagerResource.answer(
                ingest.ingest(ctx, signals, config.grafana().autoResolve()));
    }

    /**
     * The key's own secret if it has one (then a signed timestamp is required), else the installation's, if set:
     * the signature must verify, and a signed timestamp be recent, or nothing is taken (401).
     */
    private void verifySignature(String raw, HttpHeaders headers) throws Exception {
        String keyId = caller.keyId();
        Optional<ApiKeys.GrafanaSigning> own = keyId == null ? Optional.empty() : keys.grafanaSigning(keyId);
        if (own.isPresent()) {
            verify(
                    raw,
                    headers,
                    secrets.decrypt(keyId, own.get().secret()),
                    Optional.of(own.get().timestampHeader()));
        } else if (config.grafana().hmacSecret().isPresent()) {
            verify(
                    raw,
                    headers,
                    config.grafana().hmacSecret().get(),
                    config.grafana().timestampHeader());
        }
    }

    private void verify(String raw, HttpHeaders headers, String secret, Optional<String> timestampHeader)
            throws Exception {
        String signature = headers.getHeaderString(config.grafana().signatureHeader());
        String timestamp = timestampHeader.map(headers::getHeaderString).orElse(null);
        if (signature == null || (timestampHeader.isPresent() && timestamp == null)) {
            throw new ProblemException(Problem.of(
                    401,
                    "Unauthorized",
                    "missing " + config.grafana().signatureHeader()
                            + timestampHeader.map(h -> " or " + h).orElse("")));
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signed = (timestamp != null ? timestamp + ":" : "") + (raw == null ? "" : raw);
        byte[] expected = mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.trim().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            given = new byte[0];
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new ProblemException(
                    Problem.of(401, "Unauthorized", config.grafana().signatureHeader() + " does not verify"));
        }
        if (timestamp != null) {
            refuseStale(timestampHeader.get(), timestamp.trim());
        }
    }

    /** A signed timestamp (Unix seconds; milliseconds accepted) too far from now: a replay, or a clock to fix. */
    private void refuseStale(String header, String timestamp) {
        long maxAge = config.grafana().maxSignatureAge().toSeconds();
        long signedAt;
        try {
            long value = Long.parseLong(timestamp);
            signedAt = value > 100_000_000_000L ? value / 1000 : value;
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.of(401, "Unauthorized", header + " is not a Unix time"));
        }
        long away = Math.abs(System.currentTimeMillis() / 1000 - signedAt);
        if (away > maxAge) {
            throw new ProblemException(Problem.of(
                    401,
                    "Unauthorized",
                    header + " is " + away + " s from now, more than the " + maxAge
                            + " s a signature is good for: a replayed request, or a clock to set right"));
        }
    }

    private AlertSignal signal(Webhook body, Alert a, int index) {
        Map<String, String> labels = a.labels();
        String fingerprint = AlertSignal.identity(a.fingerprint(), labels);
        Map<String, String> details = new LinkedHashMap<>();
        if (a.values() != null) {
            a.values().forEach((k, v) -> details.put(k, String.valueOf(v)));
        }
        if (a.valueString() != null && !a.valueString().isBlank()) {
            details.put("valueString", a.valueString());
        }
        List<AlertLink> links = new ArrayList<>();
        addLink(links, a.generatorURL(), "source");
        addLink(links, a.dashboardURL(), "dashboard");
        addLink(links, a.panelURL(), "panel");
        addLink(links, a.silenceURL(), "silence");
        return AlertSignal.labelled(
                SOURCE,
                body.groupKey() != null && !body.groupKey().isBlank() ? body.groupKey() : fingerprint,
                fingerprint,
                AlertmanagerResource.firing(a.status(), index),
                body.title() != null ? body.title() : "alert",
                labels,
                a.annotations(),
                config.severityOf(labels.get("severity")),
                labels.get(config.grafana().serviceLabel()),
                details,
                links,
                AlertmanagerResource.realTime(a.startsAt()),
                AlertmanagerResource.realTime(a.endsAt()));
    }

    private static void addLink(List<AlertLink> links, String href, String text) {
        if (href != null && !href.isBlank()) {
            links.add(new AlertLink(href, text));
        }
    }
}
