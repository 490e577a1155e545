package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Filters match the incident as it is after each event: an acknowledgement names no service, yet a "payments"
 * subscription hears of it; a severity raised to SEV1 makes the SEV1 subscription hear of what follows.
 */
@QuarkusTest
@NotifierServiceTest
class FilterTest {

    private final Api api = new Api();

    private String subscribe(String filters) {
        String path = "/filter-" + UUID.randomUUID();
        return api.subscribe("{\"channel\": \"webhook\", \"target\": \"" + TestEndpoints.receiver.url(path) + "\""
                        + filters + "}")
                .getString("id");
    }

    private List<String> eventIds(String subscription) {
        return api.deliveries(subscription).stream()
                .map(d -> (String) d.get("eventId"))
                .sorted()
                .toList();
    }

    private static List<String> ids(EventEnvelope... events) {
        return java.util.Arrays.stream(events)
                .map(e -> e.eventId().toString())
                .sorted()
                .toList();
    }

    @Test
    void eachSubscription_getsExactlyTheEventsItsFiltersMatch() throws Exception {
        String everything = subscribe("");
        String payments = subscribe(", \"services\": [\"payments\"]");
        String sev1 = subscribe(", \"severities\": [\"SEV1\"]");
        String resolutions = subscribe(", \"eventTypes\": [\"IncidentResolved\"]");
        String paymentsSev2 = subscribe(", \"services\": [\"payments\", \"ledger\"], \"severities\": [\"SEV2\"]");
        String deleted = subscribe("");
        api.as().delete("/api/v1/subscriptions/" + deleted).then().statusCode(204);

        Stream auth = new Stream(api.tenant);
        EventEnvelope authDeclared = auth.declare("Login returns 500", Severity.SEV1, "auth");
        EventEnvelope authAcked = auth.acknowledge();
        EventEnvelope authResolved = auth.resolve();
        Stream pay = new Stream(api.tenant);
        EventEnvelope payDeclared = pay.declare("Card payments fail", Severity.SEV2, "payments");
        EventEnvelope payAcked = pay.acknowledge();
        EventEnvelope payRaised =
                pay.publish("09:10", new IncidentEvent.SeverityChanged(Severity.SEV2, Severity.SEV1, "all cards"));
        EventEnvelope payMitigated = pay.publish("09:20", new IncidentEvent.IncidentMitigated("failover"));
        Stream otherTenant = new Stream("t-" + UUID.randomUUID());
        otherTenant.declare("Not ours", Severity.SEV1, "payments");

        // Each event's deliveries are planned in one transaction: once "everything" has all seven, all are planned.
        api.awaitDeliveries(everything, ds -> ds.size() >= 7, Duration.ofSeconds(30));

        assertEquals(
                ids(authDeclared, authAcked, authResolved, payDeclared, payAcked, payRaised, payMitigated),
                eventIds(everything));
        assertEquals(ids(payDeclared, payAcked, payRaised, payMitigated), eventIds(payments));
        assertEquals(ids(authDeclared, authAcked, authResolved, payRaised, payMitigated), eventIds(sev1));
        assertEquals(ids(authResolved), eventIds(resolutions));
        assertEquals(ids(payDeclared, payAcked), eventIds(paymentsSev2));
        assertEquals(List.of(), eventIds(deleted));
        List<Map<String, Object>> page = api.as()
                .queryParam("limit", 200)
                .get("/api/v1/deliveries")
                .then()
                .extract()
                .jsonPath()
                .getList("items");
        // Not the seven of the webhook given by configuration, which hears everything: those are the operator's.
        assertEquals(4 + 5 + 1 + 2 + 7, page.size(), "the tenant's log holds its own subscriptions' deliveries only");
    }
}
