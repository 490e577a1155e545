package dev.incidents.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Optional;

/** One answer of a service: its status, its JSON body (missing when it had none) and its ETag. */
public record ApiAnswer(int status, JsonNode body, Optional<String> etag) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The problem's detail (RFC 9457), else its title, else the status. */
    public String problemDetail() {
        if (body == null || body instanceof MissingNode) {
            return "HTTP " + status;
        }
        String detail = body.path("detail").asText("");
        return detail.isBlank() ? body.path("title").asText("HTTP " + status) : detail;
    }
}
