package dev.incidents.query.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** COPY's text format: a tab ends a column, a newline a row, so both (and the backslash) travel escaped. */
class CopyTextTest {

    @Test
    void separatorsAndBackslashesInAValue_areEscaped_theRestGoesAsItIs() {
        StringBuilder row = new StringBuilder();
        CopyText.field(row, "plain");
        CopyText.field(row, "{\"summary\":\"a\\\"quoted\\\" word\"}");
        CopyText.last(row, "tab\there, line\nthere, return\r, end");
        assertEquals(
                "plain\t{\"summary\":\"a\\\\\"quoted\\\\\" word\"}\ttab\\there, line\\nthere, return\\r, end\n",
                row.toString());
    }
}
