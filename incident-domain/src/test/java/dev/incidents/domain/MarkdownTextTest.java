package dev.incidents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.junit.jupiter.api.Test;

/** User text through {@link MarkdownText#escape}, rendered by a real CommonMark (+ GFM tables) renderer. */
class MarkdownTextTest {

    static final List<Extension> GFM_TABLES = List.of(TablesExtension.create());
    static final Parser PARSER = Parser.builder().extensions(GFM_TABLES).build();
    static final HtmlRenderer HTML =
            HtmlRenderer.builder().extensions(GFM_TABLES).build();

    /** What people and monitoring systems could write into a title, a summary or a name, meaning harm or not. */
    static final List<String> HOSTILE = List.of(
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "x <a href=\"javascript:alert(1)\">click</a>",
            "<!-- hidden --> <div>\n\n*x*\n\n</div>",
            "[x](javascript:alert(1))",
            "![x](https://evil.example/t.png)",
            "<javascript:alert(1)>",
            "<https://evil.example>",
            "[x]: javascript:alert(1)",
            "[x][y] [^1]",
            "# heading",
            "## Root cause ##",
            "title\n\n# injected",
            "title\r\n<script>alert(1)</script>",
            "a\u2028- b\u2029c",
            "a | b | c",
            "`code` and ``more``",
            "```\nfenced\n```",
            "*em* _em_ **strong** __strong__ ~~gone~~",
            "> quoted",
            "- item",
            "+ item",
            "* item",
            "1. first",
            "12) twelfth",
            "---",
            "***",
            "    indented code",
            "=====",
            "&lt;script&gt; &#106;avascript: &amp;",
            "trailing backslash \\",
            "\\<script>alert(1)\\</script>",
            "line one  \nline two\\\nthree",
            "Login page set to \"Under maintenance\"; 100% of users: 500");

    /** Where the report puts user text: a paragraph, a heading, a list item (after its time), a table cell. */
    static final List<String> CONTEXTS = List.of(
            "%s",
            "# Postmortem: %s", "- 09:00: %s (on-call)", "- [ ] %s", "| figure | value |\n|---|---|\n| %s | n/a |");

    @Test
    void hostileText_rendersAsItsLiteralText_inTheStructureAroundIt() {
        for (String context : CONTEXTS) {
            String plain = context.formatted("PLAIN");
            for (String hostile : HOSTILE) {
                String md = context.formatted(MarkdownText.escape(hostile));
                Node doc = PARSER.parse(md);
                String because = "\n" + md + "\n->\n" + HTML.render(doc);
                assertEquals(shape(PARSER.parse(plain)), shape(doc), "no element other than the context's" + because);
                assertEquals(
                        text(PARSER.parse(plain)).replace("PLAIN", literal(hostile)),
                        text(doc),
                        "the text, literally" + because);
            }
        }
    }

    @Test
    void escapes_htmlAndInlineSyntax_andFoldsLineBreaks() {
        assertEquals("&lt;script&gt;alert\\(1\\)&lt;/script&gt;", MarkdownText.escape("<script>alert(1)</script>"));
        assertEquals("\\[x\\]\\(javascript:alert\\(1\\)\\)", MarkdownText.escape("[x](javascript:alert(1))"));
        assertEquals("title \\# injected", MarkdownText.escape("title\n\n  # injected"));
        assertEquals("a \\| b \\`c\\` \\*d\\* \\_e\\_ \\~f\\~ \\\\", MarkdownText.escape("a | b `c` *d* _e_ ~f~ \\"));
        assertEquals("\\- item", MarkdownText.escape("- item"));
        assertEquals("1\\. first", MarkdownText.escape("1. first"));
        assertEquals("R&amp;D", MarkdownText.escape("R&D"));
        assertEquals("", MarkdownText.escape(null));
    }

    @Test
    void plainText_staysReadable() {
        for (String s : List.of(
                "Restarted the server; it did not help",
                "on-call team",
                "A file was deployed with the extension .phpp instead of .php",
                "Login page set to \"Under maintenance\" so users stop hitting the error",
                "100% of users got 500 when opening the website.",
                "5.5% of users: 09:00 - 09:15")) {
            assertEquals(s, MarkdownText.escape(s));
        }
    }

    @Test
    void noHostileText_becomesALinkOrHtml() {
        for (String hostile : HOSTILE) {
            String html = HTML.render(PARSER.parse("- " + MarkdownText.escape(hostile)));
            assertFalse(
                    html.contains("<a ")
                            || html.contains("<img")
                            || html.contains("<script")
                            || html.contains("href=\""),
                    html);
        }
    }

    /** What a reader sees of it: the text, stripped, with its line breaks folded into spaces. */
    static String literal(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The document's nodes, in order, without the text they hold. */
    static List<String> shape(Node doc) {
        List<String> shape = new ArrayList<>();
        walk(doc, n -> {
            if (!(n instanceof Text)) {
                shape.add(n.getClass().getSimpleName());
            }
        });
        return shape;
    }

    static String text(Node doc) {
        StringBuilder text = new StringBuilder();
        walk(doc, n -> {
            if (n instanceof Text t) {
                text.append(t.getLiteral());
            }
        });
        return text.toString();
    }

    static void walk(Node node, java.util.function.Consumer<Node> visit) {
        visit.accept(node);
        for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            walk(child, visit);
        }
    }
}
