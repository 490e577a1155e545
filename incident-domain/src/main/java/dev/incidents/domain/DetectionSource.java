package dev.incidents.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the organisation learned about the incident. */
public enum DetectionSource {
    @JsonProperty("monitoring")
    MONITORING,
    @JsonProperty("customer")
    CUSTOMER,
    @JsonProperty("internal")
    INTERNAL
}
