package dev.incidents.domain;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Where an action item stands; lower case on the wire. An item is added open; done is what /complete sets. */
public enum ActionItemStatus {
    @JsonProperty("open")
    OPEN,
    @JsonProperty("in_progress")
    IN_PROGRESS,
    @JsonProperty("done")
    DONE,
    @JsonProperty("wont_do")
    WONT_DO;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Done or decided against: nothing is expected of its owner any more, so it cannot be overdue. */
    public boolean isSettled() {
        return this == DONE || this == WONT_DO;
    }
}
