package dev.incidents.console.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem detail, for what the console answers to scripts rather than to people. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail) {
    public static final String MEDIA_TYPE = "application/problem+json";
}
