package dev.incidents.notifier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.Severity;
import dev.incidents.testsupport.TestAuth;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Whose deliveries a caller sees: a tenant's people see its own subscriptions' deliveries, never those of the
 * operator's configured webhook (planned for the tenant's own events) nor another tenant's: not in the list, not
 * by id, not to redeliver, whatever their role.
 */
@QuarkusTest
@NotifierServiceTest
class DeliveryTenancyTest {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final List<String> ROLES = List.of("responder", "admin");

    @Inject
    AgroalDataSource dataSource;

    private static RequestSpecification as(String tenant, String role) {
        return given().auth().oauth2(TestAuth.tokenFor(tenant, role)).contentType(ContentType.JSON);
    }

    private static List<Map<String, Object>> list(String tenant, String role, String param, String value) {
        RequestSpecification r = as(tenant, role).queryParam("limit", 200);
        if (param != null) {
            r.queryParam(param, value);
        }
        return r.get("/api/v1/deliveries")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
    }

    @Test
    void theConfiguredWebhooksDeliveries_areNotTheTenants_toList_read_orRedeliver() throws Exception {
        Api a = new Api();
        String subscription = a.subscribe("webhook", TestEndpoints.receiver.url("/tenancy-" + UUID.randomUUID()))
                .getString("id");
        Stream incident = new Stream(a.tenant);
        incident.declare("Checkout slow", Severity.SEV2, "checkout");

        List<Map<String, Object>> own = a.awaitDeliveries(subscription, Api.allSettled(1), WAIT);
        assertEquals("delivered", own.get(0).get("status"), String.valueOf(own));
        long configured = awaitConfiguredDelivered(incident.incidentId);

        for (String role : ROLES) {
            List<Map<String, Object>> all = list(a.tenant, role, null, null);
            assertEquals(
                    List.of(subscription),
                    all.stream().map(d -> d.get("subscription")).distinct().toList(),
                    role + ": " + all);
            assertTrue(
                    all.stream().noneMatch(d -> String.valueOf(d.get("target")).contains("/hook")),
                    role + ": the operator's target is not shown");
            assertEquals(List.of(), list(a.tenant, role, "subscription", "config:webhook"), role);
            assertEquals(
                    1,
                    list(a.tenant, role, "incidentId", incident.incidentId).size(),
                    role + ": only the subscription's delivery");

            as(a.tenant, role).get("/api/v1/deliveries/" + configured).then().statusCode(404);
            as(a.tenant, role)
                    .post("/api/v1/deliveries/" + configured + "/redeliver")
                    .then()
                    .statusCode(404);
        }
        assertEquals("delivered", status(configured), "nothing was scheduled again");
    }

    @Test
    void anotherTenantsDeliveries_areNotFound_toList_read_orRedeliver() throws Exception {
        Api a = new Api();
        Api b = new Api();
        a.subscribe("webhook", TestEndpoints.receiver.url("/tenant-a-" + UUID.randomUUID()));
        String bSubscription = b.subscribe("webhook", TestEndpoints.receiver.url("/tenant-b-" + UUID.randomUUID()))
                .getString("id");
        Stream bIncident = new Stream(b.tenant);
        bIncident.declare("Payments down", Severity.SEV1, "payments");
        List<Map<String, Object>> bs = b.awaitDeliveries(bSubscription, Api.allSettled(1), WAIT);
        assertEquals("delivered", bs.get(0).get("status"), String.valueOf(bs));
        long bDelivery = ((Number) bs.get(0).get("id")).longValue();

        for (String role : ROLES) {
            assertFalse(
                    list(a.tenant, role, null, null).stream()
                            .anyMatch(d -> ((Number) d.get("id")).longValue() == bDelivery),
                    role);
            assertEquals(List.of(), list(a.tenant, role, "subscription", bSubscription), role);
            assertEquals(List.of(), list(a.tenant, role, "incidentId", bIncident.incidentId), role);
            as(a.tenant, role).get("/api/v1/deliveries/" + bDelivery).then().statusCode(404);
            as(a.tenant, role)
                    .post("/api/v1/deliveries/" + bDelivery + "/redeliver")
                    .then()
                    .statusCode(404);
        }
        assertEquals("delivered", status(bDelivery), "nothing was scheduled again");
        b.as().get("/api/v1/deliveries/" + bDelivery).then().statusCode(200); // its own tenant still sees it
    }

    private long awaitConfiguredDelivered(String incidentId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "select id, status from delivery where subscription_key = 'config:webhook' and incident_id = ?")) {
                ps.setString(1, incidentId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(2).equals("delivered")) {
                        return rs.getLong(1);
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the configured webhook's delivery of " + incidentId + " was not delivered");
            }
            Thread.sleep(100);
        }
    }

    private String status(long id) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select status from delivery where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
