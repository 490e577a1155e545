package dev.incidents.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Corrective actions fix this incident's cause; preventive ones stop the next one. */
public enum ActionItemKind {
    @JsonProperty("corrective")
    CORRECTIVE,
    @JsonProperty("preventive")
    PREVENTIVE
}
