package dev.incidents.notifier.delivery;

import dev.incidents.notifier.NotifierConfig;
import dev.incidents.notifier.webhook.TargetGuard;
import dev.incidents.notifier.webhook.WebhookSignature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Webhook and Slack deliveries: one POST, redirects never followed, the target checked against SSRF right
 * before the call. Webhooks are signed per Standard Webhooks; Slack incoming webhooks take the message as is.
 */
@ApplicationScoped
class HttpChannel {

    @Inject
    NotifierConfig config;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade dance with receivers on plain http
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    CompletableFuture<Outcome> send(Claimed d) {
        String refused = TargetGuard.refusal(d.target(), config.allowPrivateTargets());
        if (refused != null) {
            return CompletableFuture.completedFuture(Outcome.refused(refused));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(d.target()))
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "incident-tracker-notifier")
                .POST(HttpRequest.BodyPublishers.ofString(d.payload()));
        if (d.channel().equals("webhook")) {
            long timestamp = Instant.now().getEpochSecond();
            request.header("webhook-id", d.webhookId()).header("webhook-timestamp", Long.toString(timestamp));
            if (d.secret() != null) {
                request.header("webhook-signature", WebhookSignature.sign(d.secret(), d.webhookId(), timestamp, d.payload()));
            }
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> failure != null
                        ? Outcome.failed(failure)
                        : Outcome.answered(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null), Instant.now()));
    }
}
