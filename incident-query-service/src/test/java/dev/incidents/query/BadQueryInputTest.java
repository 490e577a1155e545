package dev.incidents.query;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;

import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A malformed query parameter is a 400 problem naming it: never a 500 from the database, never a 404. */
@QuarkusTest
@QueryServiceTest
class BadQueryInputTest {

    @ParameterizedTest(name = "{0}?{1}={2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/v1/incidents | q | a\u0000b",
                "/api/v1/incidents | service | au\u0000th",
                "/api/v1/incidents | from | +999999999-12-31T23:59:59Z",
                "/api/v1/incidents | to | -999999999-01-01T00:00:00Z",
                "/api/v1/incidents | from | yesterday",
                "/api/v1/incidents | limit | many",
                "/api/v1/incidents | limit | 0",
                "/api/v1/incidents | limit | 99999999999999999999",
                "/api/v1/incidents/0190aaaa-0000-7000-8000-000000000000 | minSequence | abc",
                "/api/v1/incidents/0190aaaa-0000-7000-8000-000000000000 | minSequence | -1",
                "/api/v1/incidents/0190aaaa-0000-7000-8000-000000000000 | asOf | +999999999-12-31T23:59:59Z",
                "/api/v1/incidents/0190aaaa-0000-7000-8000-000000000000/timeline | knownAt | 1e10",
                "/api/v1/incidents/0190aaaa-0000-7000-8000-000000000000/postmortem | atSequence | 1.5",
                "/api/v1/metrics | from | +999999999-12-31T23:59:59Z",
                "/api/v1/action-items | status | finished",
                "/api/v1/action-items | overdue | maybe",
                "/api/v1/action-items | tz | Mars/Olympus_Mons",
                "/api/v1/action-items | limit | 0",
                "/api/v1/action-items | cursor | not-a-cursor",
                "/api/v1/action-items | cursor | bm8.bm8.bm8",
                "/api/v1/action-items | owner | a\u0000b",
            })
    void malformedParameter_is400NamingIt(String path, String parameter, String value) {
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .queryParam(parameter, value)
                .when()
                .get(path)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(parameter));
    }
}
