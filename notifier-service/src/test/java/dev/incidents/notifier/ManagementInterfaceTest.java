package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.testsupport.ManagementChecks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health, metrics and OpenAPI answer on the management interface only; made-up paths add no metric series. */
@QuarkusTest
@NotifierServiceTest
class ManagementInterfaceTest {

    @TestHTTPResource("/")
    URI app;

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Test
    void operatorEndpoints_areOnTheManagementInterfaceOnly() {
        for (String path : ManagementChecks.ENDPOINTS) {
            assertEquals(200, ManagementChecks.status(management, path), path + " on the management interface");
            assertEquals(404, ManagementChecks.status(app, path), path + " on the application interface");
        }
    }

    @Test
    void madeUpPaths_addNoMetricSeries() {
        assertEquals(List.of(), ManagementChecks.seriesOfMadeUpPaths(app, management, 30));
    }
}
