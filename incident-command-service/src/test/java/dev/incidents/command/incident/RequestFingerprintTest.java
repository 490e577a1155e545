package dev.incidents.command.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An Idempotency-Key retry is recognised by the request's content, whatever version of the service parsed it. */
class RequestFingerprintTest {

    /** A request as one version of the service has it... */
    record DeclareV1(String title, List<String> services, Map<String, String> labels, OffsetDateTime startedAt) {}

    /** ...and as the next one has it, with a field the retry does not send. */
    record DeclareV2(
            String title,
            String runbookUrl,
            List<String> services,
            Map<String, String> labels,
            OffsetDateTime startedAt) {}

    private static final OffsetDateTime STARTED = OffsetDateTime.parse("2023-08-07T08:30:00+01:00");

    @Test
    void aFieldAddedLater_andAbsentFromTheRetry_leavesTheFingerprintAsItWas() {
        String before = WriteSupport.fingerprint(
                "declare|", new DeclareV1("Login returns 500", List.of("auth"), Map.of("team", "iam"), STARTED));
        String after = WriteSupport.fingerprint(
                "declare|", new DeclareV2("Login returns 500", null, List.of("auth"), Map.of("team", "iam"), STARTED));
        assertEquals(before, after);
    }

    @Test
    void theSameBody_parsedAsATree_orWithItsKeysInAnotherOrder_hasTheSameFingerprint() throws Exception {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        String record = WriteSupport.fingerprint("events", new DeclareV1("x", List.of(), ab, STARTED));
        assertEquals(record, WriteSupport.fingerprint("events", new DeclareV1("x", List.of(), ba, STARTED)));
        String tree = WriteSupport.fingerprint(
                "events",
                new ObjectMapper()
                        .readTree(
                                "{\"startedAt\":\"2023-08-07T08:30:00+01:00\",\"labels\":{\"b\":\"2\",\"a\":\"1\"},\"title\":\"x\"}"));
        assertEquals(record, tree);
    }

    @Test
    void anotherValue_anotherOperation_orAnotherTime_isAnotherRequest() {
        String base = WriteSupport.fingerprint("declare|", new DeclareV1("x", List.of("auth"), Map.of(), STARTED));
        assertNotEquals(
                base, WriteSupport.fingerprint("declare|", new DeclareV1("y", List.of("auth"), Map.of(), STARTED)));
        assertNotEquals(
                base,
                WriteSupport.fingerprint("acknowledge|42", new DeclareV1("x", List.of("auth"), Map.of(), STARTED)));
        assertNotEquals(
                base,
                WriteSupport.fingerprint(
                        "declare|", new DeclareV1("x", List.of("auth"), Map.of(), STARTED.plusMinutes(1))));
    }
}
