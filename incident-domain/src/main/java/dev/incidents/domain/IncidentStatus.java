package dev.incidents.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where an incident is in its life; lower case on the wire (API.md). */
public enum IncidentStatus {
    @JsonProperty("triggered")
    TRIGGERED,
    @JsonProperty("acknowledged")
    ACKNOWLEDGED,
    @JsonProperty("mitigated")
    MITIGATED,
    @JsonProperty("resolved")
    RESOLVED,
    @JsonProperty("closed")
    CLOSED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** True while responders are still working on it. */
    public boolean isOpen() {
        return this == TRIGGERED || this == ACKNOWLEDGED || this == MITIGATED;
    }
}
