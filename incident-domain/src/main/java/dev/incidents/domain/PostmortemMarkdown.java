package dev.incidents.domain;

import static java.util.stream.Collectors.joining;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The postmortem as Markdown that reads like a hand-written one (headed sections, a timeline list in the
 * reader's zone), except that every figure comes from the same events. Deterministic: no clock, no map order.
 * Every text that people or monitoring systems wrote goes through {@link MarkdownText#escape}: it renders as
 * the literal text it is, never as HTML, a link or a heading of its own.
 */
public final class PostmortemMarkdown {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH);

    private PostmortemMarkdown() {}

    public static String render(PostmortemReport r) {
        StringBuilder md = new StringBuilder();
        md.append("# Postmortem: ").append(text(r.title())).append("\n\n");
        md.append(r.severity())
                .append(" · ")
                .append(
                        r.services().isEmpty()
                                ? "no service named"
                                : r.services().stream()
                                        .map(PostmortemMarkdown::text)
                                        .collect(joining(", ")))
                .append(" · ")
                .append(r.status().wireName())
                .append("\n\n");

        md.append("## Issue summary\n\n").append(summarySentence(r)).append("\n");
        if (r.summary() != null && !r.summary().isBlank()) {
            md.append("\n").append(text(r.summary())).append("\n");
        }
        if (r.impact() != null) {
            md.append("\n**Impact:** ").append(text(impactSentence(r.impact()))).append("\n");
        }

        md.append("\n## Timeline (all times ").append(zoneLabel(r)).append(")\n\n");
        boolean oneDay = r.timeline().stream()
                        .map(l -> l.occurredAt().toLocalDate())
                        .distinct()
                        .count()
                <= 1;
        for (PostmortemReport.Line l : r.timeline()) {
            md.append("- ")
                    .append(oneDay ? TIME.format(l.occurredAt()) : DAY_TIME.format(l.occurredAt()))
                    .append(": ")
                    .append(text(l.text()));
            if (showsAuthor(l)) {
                md.append(" (").append(text(l.by())).append(")");
            }
            md.append("\n");
        }

        md.append("\n## Root cause\n\n");
        if (r.rootCause() == null) {
            md.append("Not identified yet.\n");
        } else {
            md.append(text(r.rootCause().description())).append("\n\n");
            md.append(text(rootCauseIdentified(r))).append("\n");
        }

        md.append("\n## Detection and response\n\n");
        responseSentences(r).forEach(line -> md.append("- ").append(line).append("\n"));
        if (r.cycles().size() > 1) {
            md.append("\n## Reopened\n\n");
            r.cycles()
                    .forEach(c -> md.append("- ")
                            .append(cycleSentence(c, r, PostmortemMarkdown::text))
                            .append("\n"));
        }

        md.append("\n## Key figures\n\n| figure | value |\n|---|---|\n");
        md.append("| Duration (time to resolve) | ")
                .append(figure(r.durationSeconds()))
                .append(" |\n");
        md.append("| Time to detect | ").append(figure(r.timeToDetectSeconds())).append(" |\n");
        md.append("| Time to acknowledge | ")
                .append(figure(r.timeToAcknowledgeSeconds()))
                .append(" |\n");
        md.append("| Time to mitigate | ")
                .append(figure(r.timeToMitigateSeconds()))
                .append(" |\n");

        if (!r.responders().isEmpty()) {
            md.append("\n## Responders\n\n");
            r.responders()
                    .forEach(p -> md.append("- ")
                            .append(text(p.name()))
                            .append(" (")
                            .append(p.role().name().toLowerCase(Locale.ROOT))
                            .append(")\n"));
        }

        md.append("\n## Corrective and preventive measures\n");
        for (ActionItemKind kind : ActionItemKind.values()) {
            var items = r.actionItems().stream().filter(a -> a.kind() == kind).toList();
            md.append("\n### ")
                    .append(kind == ActionItemKind.CORRECTIVE ? "Corrective" : "Preventive")
                    .append("\n\n");
            if (items.isEmpty()) {
                md.append("None recorded.\n");
            }
            for (PostmortemReport.ActionItem a : items) {
                md.append("- [").append(a.completed() ? "x" : " ").append("] ").append(text(a.description()));
                String details = itemDetails(a, PostmortemMarkdown::text);
                if (!details.isEmpty()) {
                    md.append(" (").append(details).append(")");
                }
                md.append("\n");
            }
        }

        md.append("\n---\n\n").append(text(provenance(r))).append("\n");
        if (r.position().chainHash() != null) {
            md.append("Chain head: ").append(r.position().chainHash()).append("\n");
        }
        if (r.contentHash() != null) {
            md.append("Content hash: ").append(r.contentHash()).append("\n");
        }
        return md.toString();
    }

    private static String text(String userText) {
        return MarkdownText.escape(userText);
    }

    /** "From 08:30 to 11:17 on 7 August 2023 (2 h 47 min)": start and end are the timeline's own milestones. */
    static String summarySentence(PostmortemReport r) {
        OffsetDateTime s = r.startedAt();
        OffsetDateTime e = r.resolvedAt();
        if (e == null) {
            return "Since " + TIME.format(s) + " on " + DAY.format(s) + " (" + zoneLabel(r)
                    + "); not resolved as of this report.";
        }
        String span = s.toLocalDate().equals(e.toLocalDate())
                ? "From " + TIME.format(s) + " to " + TIME.format(e) + " on " + DAY.format(s)
                : "From " + TIME.format(s) + " on " + DAY.format(s) + " to " + TIME.format(e) + " on " + DAY.format(e);
        return span + " (" + zoneLabel(r) + "), " + human(r.durationSeconds()) + ".";
    }

    /** "Checkout failed; 12.5% of users affected; 40% of requests failed; users saw 500 and 503; customers: ..." */
    static String impactSentence(Incident.Impact impact) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (impact.description() != null && !impact.description().isBlank()) {
            parts.add(impact.description().strip());
        }
        if (impact.affectedUsersPercent() != null) {
            parts.add(percent(impact.affectedUsersPercent()) + "% of users affected");
        }
        if (impact.errorRatePercent() != null) {
            parts.add(percent(impact.errorRatePercent()) + "% of requests failed");
        }
        if (!impact.errorCodes().isEmpty()) {
            parts.add("users saw " + and(impact.errorCodes()));
        }
        if (!impact.affectedCustomers().isEmpty()) {
            parts.add("customers affected: " + String.join(", ", impact.affectedCustomers()));
        }
        if (!impact.affectedRegions().isEmpty()) {
            parts.add("regions affected: " + String.join(", ", impact.affectedRegions()));
        }
        return String.join("; ", parts) + ".";
    }

    /** "500", "500 and 503", "500, 502 and 503". */
    private static String and(java.util.List<String> items) {
        return items.size() == 1
                ? items.get(0)
                : String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    /** "Africa/Lagos, UTC+01:00", "Europe/London, UTC", or just "UTC". */
    static String zoneLabel(PostmortemReport r) {
        OffsetDateTime s = r.startedAt();
        String zone = r.position().zone();
        if (zone.equals("UTC") || zone.equals("Z")) {
            return "UTC";
        }
        return zone + ", UTC"
                + (s.getOffset().getTotalSeconds() == 0 ? "" : s.getOffset().getId());
    }

    /** Entries people wrote name their author; milestones and alerts say who in their own text. */
    static boolean showsAuthor(PostmortemReport.Line l) {
        return l.by() != null
                && (l.kind() == TimelineKind.ACTION
                        || l.kind() == TimelineKind.OBSERVATION
                        || l.kind() == TimelineKind.COMMUNICATION);
    }

    /** "Identified at 10:50; category: change." */
    static String rootCauseIdentified(PostmortemReport r) {
        return "Identified at " + when(r.rootCause().identifiedAt(), r)
                + (r.rootCause().category() == null
                        ? ""
                        : "; category: " + r.rootCause().category()) + ".";
    }

    /**
     * "owner: ada, due 2023-08-14, in progress", or empty. The box says done or not; the words say in progress and
     * won't do, so each rendering tells all four statuses apart, as the JSON does.
     */
    static String itemDetails(PostmortemReport.ActionItem a, java.util.function.UnaryOperator<String> escape) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (a.owner() != null) {
            parts.add("owner: " + escape.apply(a.owner()));
        }
        if (a.dueDate() != null) {
            parts.add("due " + a.dueDate());
        }
        if (a.status() == ActionItemStatus.IN_PROGRESS) {
            parts.add("in progress");
        } else if (a.status() == ActionItemStatus.WONT_DO) {
            parts.add(escape.apply("won't do"));
        }
        return String.join(", ", parts);
    }

    /** Detection, acknowledgement, mitigation and resolution, one sentence each (times only, nothing to escape). */
    static java.util.List<String> responseSentences(PostmortemReport r) {
        return java.util.List.of(
                detectionPhrase(r.detectionSource()) + " at " + when(r.detectedAt(), r) + ", "
                        + human(r.timeToDetectSeconds()) + " after the incident started.",
                r.acknowledgedAt() == null
                        ? "Not acknowledged."
                        : "Acknowledged at " + when(r.acknowledgedAt(), r) + ", " + human(r.timeToAcknowledgeSeconds())
                                + " after detection.",
                r.mitigatedAt() == null
                        ? "No separate mitigation was recorded."
                        : (r.cycles().size() > 1 ? "First mitigated at " : "Mitigated at ") + when(r.mitigatedAt(), r)
                                + ", " + human(r.timeToMitigateSeconds()) + " after the start.",
                r.resolvedAt() == null
                        ? "Not resolved yet."
                        : (r.cycles().size() > 1 ? "Finally resolved at " : "Resolved at ") + when(r.resolvedAt(), r)
                                + ": it lasted " + human(r.durationSeconds()) + ".");
    }

    /**
     * "Cycle 2: reopened at 09:30 (back), mitigated at 09:45 (15 min), resolved at 10:00 (30 min)." The reason is
     * people's text, escaped for the caller's format.
     */
    static String cycleSentence(
            PostmortemReport.Cycle c, PostmortemReport r, java.util.function.UnaryOperator<String> escape) {
        StringBuilder s = new StringBuilder("Cycle ").append(c.number()).append(": ");
        s.append(c.number() == 1 ? "started at " : "reopened at ").append(when(c.openedAt(), r));
        if (c.reopenReason() != null && !c.reopenReason().isBlank()) {
            s.append(" (").append(escape.apply(c.reopenReason())).append(")");
        }
        s.append(
                c.mitigatedAt() == null
                        ? ", no mitigation recorded"
                        : ", mitigated at " + when(c.mitigatedAt(), r) + " (" + human(c.timeToMitigateSeconds()) + ")");
        s.append(
                c.resolvedAt() == null
                        ? ", not resolved yet."
                        : ", resolved at " + when(c.resolvedAt(), r) + " (" + human(c.timeToResolveSeconds()) + ").");
        return s.toString();
    }

    static String provenance(PostmortemReport r) {
        return "Computed from events 1 to " + r.position().sequence() + " of incident " + r.incidentId()
                + ", as recorded up to " + r.position().recordedAt() + ".";
    }

    static String when(OffsetDateTime t, PostmortemReport r) {
        return t.toLocalDate().equals(r.startedAt().toLocalDate()) ? TIME.format(t) : DAY_TIME.format(t);
    }

    static String detectionPhrase(DetectionSource source) {
        return switch (source) {
            case MONITORING -> "Detected by monitoring";
            case CUSTOMER -> "Reported by a customer";
            case INTERNAL -> "Detected internally";
        };
    }

    static String figure(Long seconds) {
        return seconds == null ? "n/a" : human(seconds);
    }

    /** 2 h 47 min, 41 min, 30 s. */
    static String human(Long seconds) {
        if (seconds == null) {
            return "n/a";
        }
        Duration d = Duration.ofSeconds(seconds);
        if (seconds < 60 && seconds != 0) {
            return seconds + " s";
        }
        long h = d.toHours();
        long m = d.toMinutesPart();
        return h > 0 ? h + " h " + m + " min" : d.toMinutes() + " min";
    }

    private static String percent(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
