package dev.incidents.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The part a person plays in the response. */
public enum ResponderRole {
    @JsonProperty("commander")
    COMMANDER,
    @JsonProperty("responder")
    RESPONDER,
    @JsonProperty("communications")
    COMMUNICATIONS
}
