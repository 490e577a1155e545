package dev.incidents.command.incident;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.incidents.domain.ActionItemKind;
import dev.incidents.domain.ActionItemStatus;
import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.ResponderRole;
import dev.incidents.domain.Severity;
import dev.incidents.domain.TimelineKind;
import dev.incidents.support.validation.SaneTime;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/** Request bodies of the people-facing commands (API.md). Every one may carry {@code occurredAt}. */
public final class Requests {

    private Requests() {}

    /** Some character that is not white space: {@code @NotBlank} for a field that may be absent. */
    private static final String NOT_BLANK = "(?s).*\\S.*";

    /** Implemented by every body: when the thing happened in the world, if not now. */
    public interface Timed {
        OffsetDateTime occurredAt();
    }

    public record Declare(
            @NotBlank @Size(max = 300) String title,
            @NotNull Severity severity,
            @Size(max = 50) List<@NotBlank @Size(max = 200) String> services,
            @SaneTime OffsetDateTime startedAt,
            @SaneTime OffsetDateTime detectedAt,
            DetectionSource detectionSource,
            @Size(max = 20_000) String summary,
            @SaneTime OffsetDateTime occurredAt)
            implements Timed {}

    public record Acknowledge(
            @Size(max = 200) String by, @SaneTime OffsetDateTime occurredAt) implements Timed {}

    /**
     * The kinds of entry people write. Milestones and alerts are the events' own lines, never posted: with its own
     * type, a wrong kind is refused naming exactly these three, as the decider's check does.
     */
    public enum EntryKind {
        @com.fasterxml.jackson.annotation.JsonProperty("action")
        ACTION(TimelineKind.ACTION),
        @com.fasterxml.jackson.annotation.JsonProperty("observation")
        OBSERVATION(TimelineKind.OBSERVATION),
        @com.fasterxml.jackson.annotation.JsonProperty("communication")
        COMMUNICATION(TimelineKind.COMMUNICATION);

        public final TimelineKind timelineKind;

        EntryKind(TimelineKind timelineKind) {
            this.timelineKind = timelineKind;
        }
    }

    public record TimelineEntry(
            @NotNull EntryKind kind,
            @NotBlank @Size(max = 10_000) String text,
            @Size(max = 200) String by,
            @SaneTime OffsetDateTime occurredAt)
            implements Timed {}

    /**
     * @param errorCode one error code, as the first version of this command took it; joins {@code errorCodes}
     * @param errorRatePercent the share of requests that failed, 0 to 100
     */
    public record Impact(
            @NotBlank @Size(max = 10_000) String description,
            @DecimalMin("0") @DecimalMax("100") Double affectedUsersPercent,
            @Size(max = 100) String errorCode,
            @DecimalMin("0") @DecimalMax("100") Double errorRatePercent,
            @Size(max = 20) List<@NotBlank @Size(max = 100) String> errorCodes,
            @Size(max = 200) List<@NotBlank @Size(max = 200) String> affectedCustomers,
            @Size(max = 50) List<@NotBlank @Size(max = 100) String> affectedRegions,
            @SaneTime OffsetDateTime occurredAt)
            implements Timed {

        /** {@code errorCode} and {@code errorCodes} together, each once, in the order given. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public List<String> allErrorCodes() {
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
            if (errorCode != null && !errorCode.isBlank()) {
                all.add(errorCode);
            }
            if (errorCodes != null) {
                all.addAll(errorCodes);
            }
            return List.copyOf(all);
        }
    }

    /**
     * @param atSequence the log position the published report is computed at; default the incident's latest
     * @param tz the zone the report's times are rendered in when its hash is taken (default UTC)
     */
    public record Publish(
            @jakarta.validation.constraints.Positive Long atSequence,
            @Size(max = 64) String tz,
            @SaneTime OffsetDateTime occurredAt)
            implements Timed {}

    public record Described(
            @Size(max = 10_000) String description,
            @SaneTime OffsetDateTime occurredAt) implements Timed {}

    public record RootCause(
            @NotBlank @Size(max = 20_000) String description,
            @Size(max = 100) String category,
            @SaneTime OffsetDateTime occurredAt)
            implements Timed {}

    public record Reopen(
            @Size(max = 10_000) String reason, @SaneTime OffsetDateTime occurredAt) implements Timed {}

    public record Close(
            @Size(max = 10_000) String note, @SaneTime OffsetDateTime occurredAt) implements Timed {}

    public record ChangeSeverity(
            @NotNull Severity severity,
            @Size(max = 10_000) String reason,
            @SaneTime OffsetDateTime occurredAt) implements Timed {}

    public record AssignResponder(
            @NotBlank @Size(max = 200) String responder,
            ResponderRole role,
            @SaneTime OffsetDateTime occurredAt) implements Timed {}

    /** {@code role} absent: every role the person holds. */
    public record UnassignResponder(
            @NotBlank @Size(max = 200) String responder,
            ResponderRole role,
            @SaneTime OffsetDateTime occurredAt) implements Timed {}

    public record ActionItem(
            @NotNull ActionItemKind kind,
            @NotBlank @Size(max = 10_000) String description,
            @Size(max = 200) String owner,
            @SaneTime LocalDate dueDate,
            @SaneTime OffsetDateTime occurredAt)
            implements Timed {}

    /**
     * The fields of an action item to change; absent or null: as it is (at least one is needed: the decider says so).
     * A blank owner or description is refused rather than taken for "remove": neither can be removed.
     */
    public record UpdateActionItem(
            @Pattern(regexp = NOT_BLANK, message = "must not be blank") @Size(max = 200)
            String owner,

            @SaneTime LocalDate dueDate,

            @Pattern(regexp = NOT_BLANK, message = "must not be blank") @Size(max = 10_000)
            String description,

            ActionItemStatus status,
            @SaneTime OffsetDateTime occurredAt)
            implements Timed {}

    /** Merge this incident, a duplicate, into {@code into}. */
    public record Merge(
            @NotBlank @Size(max = 64) String into, @SaneTime OffsetDateTime occurredAt) implements Timed {}

    public record StatusUpdate(
            @NotBlank @Size(max = 100) String status,
            @NotBlank @Size(max = 10_000) String message,
            @JsonProperty("public") Boolean isPublic,
            @SaneTime OffsetDateTime occurredAt)
            implements Timed {}
}
