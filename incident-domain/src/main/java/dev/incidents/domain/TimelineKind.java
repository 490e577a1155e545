package dev.incidents.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Kind of a timeline entry. People write {@code action}, {@code observation} and {@code communication}
 * entries; the fold adds {@code milestone} (detected, acknowledged, mitigated, ...) and {@code alert}
 * entries from the other events.
 */
public enum TimelineKind {
    @JsonProperty("action")
    ACTION,
    @JsonProperty("observation")
    OBSERVATION,
    @JsonProperty("communication")
    COMMUNICATION,
    @JsonProperty("milestone")
    MILESTONE,
    @JsonProperty("alert")
    ALERT;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
