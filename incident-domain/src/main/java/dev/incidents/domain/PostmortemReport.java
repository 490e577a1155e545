package dev.incidents.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;

/**
 * The postmortem of an incident: a pure function of its events up to a log position (ARCHITECTURE decision 7),
 * rendered in one zone. It cannot contradict its own timeline, because the summary's start and end are the
 * same milestones the timeline lists; and the same position and zone always give the same bytes, pinned by
 * {@link #contentHash()}, computed over the report's own JSON (without the hash), so the JSON, Markdown and HTML
 * renderings, which each carry all of it, share it.
 *
 * <p>Durations follow API.md: duration = time to resolve = resolvedAt - startedAt; time to detect =
 * detectedAt - startedAt; time to acknowledge = acknowledgedAt - detectedAt; time to mitigate = mitigatedAt -
 * startedAt. An absent milestone leaves its figure null, never zero. After a reopen, resolvedAt is the last
 * resolution and mitigatedAt the first mitigation; {@link #cycles} has each cycle's own.
 */
public record PostmortemReport(
        String incidentId,
        String title,
        Severity severity,
        List<String> services,
        IncidentStatus status,
        String summary,
        Incident.Impact impact,
        DetectionSource detectionSource,
        OffsetDateTime startedAt,
        OffsetDateTime detectedAt,
        OffsetDateTime acknowledgedAt,
        OffsetDateTime mitigatedAt,
        OffsetDateTime resolvedAt,
        Long durationSeconds,
        Long timeToDetectSeconds,
        Long timeToAcknowledgeSeconds,
        Long timeToMitigateSeconds,
        Long timeToResolveSeconds,
        List<Line> timeline,
        RootCause rootCause,
        List<ActionItem> actionItems,
        List<Responder> responders,
        List<Cycle> cycles,
        Position position,
        String contentHash) {

    public record Line(OffsetDateTime occurredAt, TimelineKind kind, String text, String by) {}

    public record RootCause(String description, String category, OffsetDateTime identifiedAt) {}

    /** {@code completed} is {@code status == done}, kept for readers from before there was a status. */
    public record ActionItem(
            String actionItemId,
            ActionItemKind kind,
            String description,
            String owner,
            LocalDate dueDate,
            boolean completed,
            ActionItemStatus status) {}

    public record Responder(String name, ResponderRole role) {}

    /**
     * One stretch from (re)opening to resolution; an incident that was never reopened has one. Its figures are
     * measured from its own opening.
     */
    public record Cycle(
            int number,
            OffsetDateTime openedAt,
            String reopenReason,
            OffsetDateTime mitigatedAt,
            OffsetDateTime resolvedAt,
            Long timeToMitigateSeconds,
            Long timeToResolveSeconds) {

        /** A cycle of the incident, its times in {@code zone}: the report's and the incident view's shape. */
        public static Cycle of(Incident.Cycle c, ZoneId zone) {
            return new Cycle(
                    c.number(),
                    at(c.openedAt(), zone),
                    c.reopenReason(),
                    at(c.mitigatedAt(), zone),
                    at(c.resolvedAt(), zone),
                    seconds(c.timeToMitigate()),
                    seconds(c.timeToResolve()));
        }
    }

    /**
     * The log position the report was computed from.
     *
     * @param sequence the last event of the incident included
     * @param recordedAt when that event was recorded: what was known then is what the report says
     * @param zone the IANA zone the times are rendered in
     * @param chainHash that event's link in the incident's hash chain ({@link EventChain}): the head of the log the
     *     report tells, to compare with {@code GET /api/v1/incidents/{id}/verify}; null for events from before the
     *     chain
     */
    public record Position(String incidentId, long sequence, Instant recordedAt, String zone, String chainHash) {}

    /** The report of the incident as its first {@code atSequence} events tell it, times in {@code zone}. */
    public static PostmortemReport of(List<EventEnvelope> events, long atSequence, ZoneId zone) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no events");
        }
        String incidentId = events.get(0).incidentId();
        List<EventEnvelope> upTo =
                events.stream().filter(e -> e.sequence() <= atSequence).toList();
        IncidentState state = IncidentFold.fold(incidentId, upTo);
        if (!(state instanceof Incident i)) {
            throw new IllegalArgumentException(
                    "incident " + incidentId + " was not declared by sequence " + atSequence);
        }
        EventEnvelope last = upTo.get(upTo.size() - 1);
        PostmortemReport unhashed = new PostmortemReport(
                i.incidentId(),
                i.title(),
                i.severity(),
                i.services(),
                i.status(),
                i.summary(),
                i.impact(),
                i.detectionSource(),
                at(i.startedAt(), zone),
                at(i.detectedAt(), zone),
                at(i.acknowledgedAt(), zone),
                at(i.mitigatedAt(), zone),
                at(i.resolvedAt(), zone),
                seconds(i.duration()),
                seconds(i.timeToDetect()),
                seconds(i.timeToAcknowledge()),
                seconds(i.timeToMitigate()),
                seconds(i.timeToResolve()),
                i.timeline().stream()
                        .map(t -> new Line(at(t.occurredAt(), zone), t.kind(), t.text(), t.by()))
                        .toList(),
                i.rootCause() == null
                        ? null
                        : new RootCause(
                                i.rootCause().description(),
                                i.rootCause().category(),
                                at(i.rootCause().identifiedAt(), zone)),
                i.actionItems().stream()
                        .map(a -> new ActionItem(
                                a.actionItemId(),
                                a.kind(),
                                a.description(),
                                a.owner(),
                                a.dueDate(),
                                a.completed(),
                                a.status()))
                        .toList(),
                i.responders().stream()
                        .map(r -> new Responder(r.name(), r.role()))
                        .toList(),
                i.cycles().stream().map(c -> Cycle.of(c, zone)).toList(),
                new Position(incidentId, last.sequence(), last.recordedAt(), zone.getId(), last.chainHash()),
                null);
        // Over the report itself (its JSON without the hash), not over one rendering of it: every rendering carries
        // the whole report, so one hash names them all.
        return unhashed.withHash(sha256(EventCodec.json(unhashed)));
    }

    private PostmortemReport withHash(String hash) {
        return new PostmortemReport(
                incidentId,
                title,
                severity,
                services,
                status,
                summary,
                impact,
                detectionSource,
                startedAt,
                detectedAt,
                acknowledgedAt,
                mitigatedAt,
                resolvedAt,
                durationSeconds,
                timeToDetectSeconds,
                timeToAcknowledgeSeconds,
                timeToMitigateSeconds,
                timeToResolveSeconds,
                timeline,
                rootCause,
                actionItems,
                responders,
                cycles,
                position,
                hash);
    }

    private static OffsetDateTime at(OffsetDateTime t, ZoneId zone) {
        return t == null ? null : t.atZoneSameInstant(zone).toOffsetDateTime();
    }

    private static Long seconds(Duration d) {
        return d == null ? null : d.getSeconds();
    }

    static String sha256(String s) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
