package dev.incidents.domain;

import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The postmortem as a standalone HTML page: the same content as {@link PostmortemMarkdown}, escaped. */
public final class PostmortemHtml {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH);

    private PostmortemHtml() {}

    public static String render(PostmortemReport r) {
        StringBuilder h = new StringBuilder(
                        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Postmortem: ")
                .append(esc(r.title()))
                .append("</title>\n</head>\n<body>\n<article>\n");
        h.append("<h1>Postmortem: ").append(esc(r.title())).append("</h1>\n");
        h.append("<p>")
                .append(r.severity())
                .append(" · ")
                .append(esc(String.join(", ", r.services())))
                .append(" · ")
                .append(r.status().wireName())
                .append("</p>\n");

        h.append("<h2>Issue summary</h2>\n<p>")
                .append(esc(PostmortemMarkdown.summarySentence(r)))
                .append("</p>\n");
        if (r.summary() != null && !r.summary().isBlank()) {
            h.append("<p>").append(esc(r.summary().strip())).append("</p>\n");
        }
        if (r.impact() != null) {
            h.append("<p><strong>Impact:</strong> ")
                    .append(esc(PostmortemMarkdown.impactSentence(r.impact())))
                    .append("</p>\n");
        }

        h.append("<h2>Timeline (all times ")
                .append(esc(PostmortemMarkdown.zoneLabel(r)))
                .append(")</h2>\n<ul>\n");
        boolean oneDay = r.timeline().stream()
                        .map(l -> l.occurredAt().toLocalDate())
                        .distinct()
                        .count()
                <= 1;
        for (PostmortemReport.Line l : r.timeline()) {
            h.append("<li><time datetime=\"")
                    .append(l.occurredAt())
                    .append("\">")
                    .append(oneDay ? TIME.format(l.occurredAt()) : DAY_TIME.format(l.occurredAt()))
                    .append("</time>: ")
                    .append(esc(l.text()))
                    .append(PostmortemMarkdown.showsAuthor(l) ? " (" + esc(l.by()) + ")" : "")
                    .append("</li>\n");
        }
        h.append("</ul>\n");

        h.append("<h2>Root cause</h2>\n");
        if (r.rootCause() == null) {
            h.append("<p>Not identified yet.</p>\n");
        } else {
            h.append("<p>").append(esc(r.rootCause().description().strip())).append("</p>\n");
            h.append("<p>")
                    .append(esc(PostmortemMarkdown.rootCauseIdentified(r)))
                    .append("</p>\n");
        }

        h.append("<h2>Detection and response</h2>\n<ul>\n");
        PostmortemMarkdown.responseSentences(r)
                .forEach(line -> h.append("<li>").append(esc(line)).append("</li>\n"));
        h.append("</ul>\n");
        if (r.cycles().size() > 1) {
            h.append("<h2>Reopened</h2>\n<ul>\n");
            r.cycles()
                    .forEach(c -> h.append("<li>")
                            .append(PostmortemMarkdown.cycleSentence(c, r, PostmortemHtml::esc))
                            .append("</li>\n"));
            h.append("</ul>\n");
        }

        h.append("<h2>Key figures</h2>\n<table>\n");
        row(h, "Detected", PostmortemMarkdown.detectionPhrase(r.detectionSource()));
        row(h, "Duration (time to resolve)", PostmortemMarkdown.figure(r.durationSeconds()));
        row(h, "Time to detect", PostmortemMarkdown.figure(r.timeToDetectSeconds()));
        row(h, "Time to acknowledge", PostmortemMarkdown.figure(r.timeToAcknowledgeSeconds()));
        row(h, "Time to mitigate", PostmortemMarkdown.figure(r.timeToMitigateSeconds()));
        h.append("</table>\n");

        if (!r.responders().isEmpty()) {
            h.append("<h2>Responders</h2>\n<ul>\n");
            r.responders()
                    .forEach(p -> h.append("<li>")
                            .append(esc(p.name()))
                            .append(" (")
                            .append(p.role().name().toLowerCase(Locale.ROOT))
                            .append(")</li>\n"));
            h.append("</ul>\n");
        }

        h.append("<h2>Corrective and preventive measures</h2>\n");
        for (ActionItemKind kind : ActionItemKind.values()) {
            h.append("<h3>")
                    .append(kind == ActionItemKind.CORRECTIVE ? "Corrective" : "Preventive")
                    .append("</h3>\n");
            var items = r.actionItems().stream().filter(a -> a.kind() == kind).toList();
            if (items.isEmpty()) {
                h.append("<p>None recorded.</p>\n");
                continue;
            }
            h.append("<ul>\n");
            for (PostmortemReport.ActionItem a : items) {
                String details = PostmortemMarkdown.itemDetails(a, PostmortemHtml::esc);
                h.append("<li>")
                        .append(a.completed() ? "&#9745; " : "&#9744; ")
                        .append(esc(a.description()))
                        .append(details.isEmpty() ? "" : " (" + details + ")")
                        .append("</li>\n");
            }
            h.append("</ul>\n");
        }

        h.append("<footer><p>").append(esc(PostmortemMarkdown.provenance(r))).append("</p>");
        if (r.position().chainHash() != null) {
            h.append("<p>Chain head: <code>")
                    .append(esc(r.position().chainHash()))
                    .append("</code></p>");
        }
        if (r.contentHash() != null) {
            h.append("<p>Content hash: <code>").append(r.contentHash()).append("</code></p>");
        }
        return h.append("</footer>\n</article>\n</body>\n</html>\n").toString();
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th scope=\"row\">")
                .append(esc(name))
                .append("</th><td>")
                .append(esc(value))
                .append("</td></tr>\n");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
