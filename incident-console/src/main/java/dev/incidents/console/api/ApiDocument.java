package dev.incidents.console.api;

import java.util.Optional;

/**
 * A service's answer taken as it is, not read as JSON: a rendering the console passes on (a postmortem as JSON,
 * Markdown or HTML), with its media type and ETag; {@code problemDetail} says what went wrong when it is not a 2xx.
 */
public record ApiDocument(int status, String contentType, byte[] body, Optional<String> etag, String problemDetail) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
