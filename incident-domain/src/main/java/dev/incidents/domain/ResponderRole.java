package dev.incidents.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The part a person plays in the response. An incident has at most one commander (a new one replaces the old); the
 * assignee is whoever owns the work on it (as a pager assigns it); a person may hold several roles.
 */
public enum ResponderRole {
    @JsonProperty("commander")
    COMMANDER,
    @JsonProperty("responder")
    RESPONDER,
    @JsonProperty("communications")
    COMMUNICATIONS,
    @JsonProperty("assignee")
    ASSIGNEE
}
