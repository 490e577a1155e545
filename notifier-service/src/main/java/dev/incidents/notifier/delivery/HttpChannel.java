package dev.incidents.notifier.delivery;

import dev.incidents.notifier.NotifierConfig;
import dev.incidents.notifier.webhook.TargetGuard;
import dev.incidents.notifier.webhook.WebhookSignature;
import dev.incidents.support.tracing.TraceParents;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.tracing.TracingPolicy;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Webhook and Slack deliveries: one POST, redirects never followed. Right before the call the target's host is
 * resolved once and every address checked against SSRF ({@link TargetGuard}); the connection is then opened to
 * that checked address, never to the name again, so DNS rebinding cannot slip in between. The request still
 * names the original host: {@code Host} header, TLS SNI and certificate verification are all for the host of
 * the URL. Webhooks are signed per Standard Webhooks; Slack incoming webhooks take the message as is.
 *
 * <p>This is Vert.x's HTTP client (already in the service, under Quarkus): a request can be sent to a given
 * server address ({@link RequestOptions#setServer}) while its host, SNI and hostname verification stay the
 * URL's, which the JDK client cannot do. A target that cannot be reached (refused or filtered port, no route,
 * name not resolving, failed TLS handshake) is recorded as one generic "target unreachable"; the cause goes to
 * the service log, at the same level as a refused target.
 */
@ApplicationScoped
class HttpChannel {

    /** The header with a webhook's delivery id, the cursor {@code POST /api/v1/subscriptions/{id}/replay} takes. */
    static final String CURSOR_HEADER = "webhook-cursor";

    private static final Logger LOG = Logger.getLogger(HttpChannel.class);
    private static final long MAX_CONNECT_MILLIS = 5_000;

    @Inject
    NotifierConfig config;

    @Inject
    Vertx vertx;

    /** How target hosts are resolved; tests put their own in. */
    TargetGuard.Resolver resolver = TargetGuard.SYSTEM;

    /** Whom TLS targets must be certified by: the JVM's trust store unless a test says otherwise. */
    TrustOptions trust;

    private volatile HttpClient client;

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    HttpClientOptions options = new HttpClientOptions()
                            .setProtocolVersion(
                                    HttpVersion.HTTP_1_1) // no h2c upgrade dance with receivers on plain http
                            .setConnectTimeout((int) connectMillis())
                            .setVerifyHost(true) // the certificate must name the URL's host (JVM trust store)
                            .setForceSni(true) // SNI is the URL's host, though the connection goes to an address
                            .setTrustAll(false)
                            // Each attempt's span is the sender's own, in its event's trace ("deliver webhook", whose
                            // traceparent the request carries); Vert.x would start a new trace from its own context.
                            .setTracingPolicy(TracingPolicy.IGNORE);
                    if (trust != null) {
                        options.setTrustOptions(trust);
                    }
                    client = vertx.createHttpClient(
                            options, new PoolOptions().setHttp1MaxSize(Math.max(8, config.maxInFlight())));
                }
                c = client;
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        HttpClient c = client;
        if (c != null) {
            c.close();
        }
    }

    CompletableFuture<Outcome> send(Claimed d) {
        TargetGuard.Target target;
        try {
            target = TargetGuard.check(d.target(), config.allowPrivateTargets(), resolver);
        } catch (TargetGuard.Refused r) {
            // Refusals and unreachable targets are logged alike; the target's path may hold a secret (Slack).
            LOG.infof("delivery %d not sent to %s: %s", d.id(), hostOf(d.target()), r.detail());
            return CompletableFuture.completedFuture(
                    r.unresolved() ? Outcome.unreachable() : Outcome.refused(r.reason()));
        }
        String path =
                target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty()
                        ? "/"
                        : target.uri().getRawPath();
        if (target.uri().getRawQuery() != null) {
            path += "?" + target.uri().getRawQuery();
        }
        String host = target.host().startsWith("[")
                ? target.host().substring(1, target.host().length() - 1)
                : target.host();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(target.port(), literal(target.address())))
                .setHost(host)
                .setPort(target.port())
                .setSsl(target.https())
                .setURI(path)
                .setFollowRedirects(false)
                .setConnectTimeout(connectMillis())
                .putHeader(
                        HttpHeaders.HOST,
                        target.host()
                                + (target.uri().getPort() == -1
                                        ? ""
                                        : ":" + target.uri().getPort()))
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.USER_AGENT, "incident-tracker-notifier");
        if (d.channel().equals("webhook")) {
            long timestamp = Instant.now().getEpochSecond();
            options.putHeader("webhook-id", d.webhookId())
                    .putHeader("webhook-timestamp", Long.toString(timestamp))
                    // This subscriber's position in its feed: ask for a replay after the last one taken.
                    .putHeader(CURSOR_HEADER, Long.toString(d.id()));
            if (d.traceparent() != null) {
                // The subscriber's own tracing can go on from this attempt (W3C Trace Context).
                options.putHeader(TraceParents.HEADER, d.traceparent());
            }
            if (d.secret() != null) {
                options.putHeader(
                        "webhook-signature", WebhookSignature.sign(d.secret(), d.webhookId(), timestamp, d.payload()));
            }
        }
        long timeoutMillis = config.requestTimeout().toMillis();
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        client().request(options).onComplete(connected -> {
            if (connected.failed()) {
                LOG.infof(
                        "delivery %d not sent to %s: unreachable at %s (%s)",
                        d.id(),
                        hostOf(d.target()),
                        target.address().getHostAddress(),
                        connected.cause().toString());
                result.complete(Outcome.unreachable());
                return;
            }
            HttpClientRequest request = connected.result();
            AtomicBoolean timedOut = new AtomicBoolean();
            long timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> {
                timedOut.set(true);
                request.reset(0, new TimeoutException("no answer within " + timeoutMillis + " ms"));
            });
            request.send(Buffer.buffer(d.payload()))
                    .compose(response -> {
                        response.handler(ignored -> {}); // the body is read and dropped
                        return response.end().map(done -> response);
                    })
                    .onComplete(answered -> {
                        vertx.cancelTimer(timer);
                        if (answered.succeeded()) {
                            HttpClientResponse response = answered.result();
                            result.complete(Outcome.answered(
                                    response.statusCode(), response.getHeader("Retry-After"), Instant.now()));
                        } else if (timedOut.get()) {
                            result.complete(Outcome.noAnswer("Timeout: no answer within " + timeoutMillis + " ms"));
                        } else {
                            LOG.debugf(
                                    "delivery %d to %s: connection lost (%s)",
                                    d.id(), hostOf(d.target()), answered.cause().toString());
                            result.complete(Outcome.noAnswer("connection closed before a complete answer"));
                        }
                    });
        });
        return result;
    }

    private long connectMillis() {
        return Math.max(1, Math.min(MAX_CONNECT_MILLIS, config.requestTimeout().toMillis()));
    }

    /** The address as a literal, so nothing downstream resolves a name again. */
    private static String literal(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress()).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }

    /** scheme://host:port of a target, for the log: a Slack webhook's path is its secret. */
    private static String hostOf(String url) {
        try {
            java.net.URI u = java.net.URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
        } catch (RuntimeException e) {
            return "(not a URL)";
        }
    }
}
