package dev.incidents.query.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.incidents.support.problem.ProblemException;
import org.junit.jupiter.api.Test;

class PostmortemFormatTest {

    @Test
    void jsonIsTheDefault_forNoHeader_anyType_andCurlsStarSlashStar() {
        assertEquals(PostmortemFormat.JSON, PostmortemFormat.choose(null));
        assertEquals(PostmortemFormat.JSON, PostmortemFormat.choose(""));
        assertEquals(PostmortemFormat.JSON, PostmortemFormat.choose("*/*"));
        assertEquals(PostmortemFormat.JSON, PostmortemFormat.choose("application/*"));
    }

    @Test
    void anExplicitType_andWeights_decide() {
        assertEquals(PostmortemFormat.MARKDOWN, PostmortemFormat.choose("text/markdown"));
        assertEquals(PostmortemFormat.HTML, PostmortemFormat.choose("text/html, */*;q=0.1"));
        assertEquals(PostmortemFormat.HTML, PostmortemFormat.choose("application/json;q=0.5, text/html"));
        assertEquals(
                PostmortemFormat.HTML,
                PostmortemFormat.choose("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                "what a browser sends");
        assertEquals(PostmortemFormat.MARKDOWN, PostmortemFormat.choose("text/*"), "the first text rendering");
        assertEquals(PostmortemFormat.JSON, PostmortemFormat.choose("text/html;q=0, */*"), "q=0 refuses a type");
    }

    @Test
    void nothingAcceptable_is406() {
        ProblemException e = assertThrows(ProblemException.class, () -> PostmortemFormat.choose("image/png"));
        assertEquals(406, e.problem().status());
        assertThrows(ProblemException.class, () -> PostmortemFormat.choose("application/json;q=0"));
    }
}
