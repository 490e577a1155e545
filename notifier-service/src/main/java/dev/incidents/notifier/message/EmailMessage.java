package dev.incidents.notifier.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A plain-text e-mail a person can read on a phone at 3 a.m.: the news in the subject, the facts in the body. */
public record EmailMessage(String subject, String text) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static EmailMessage of(Notification n) {
        String subject = n.label() + " is " + n.status() + ": " + oneLine(n.headline());
        String text = n.headline() + "\n\n"
                + "Incident:  " + n.title() + "\n"
                + "Severity:  " + n.severity() + "\n"
                + "Status:    " + n.status() + "\n"
                + "Services:  " + (n.services().isEmpty() ? "none named" : String.join(", ", n.services())) + "\n"
                + "When:      " + n.occurredAt() + "\n"
                + (n.actor() == null ? "" : "By:        " + n.actor() + "\n")
                + "\nOpen the incident: " + n.link() + "\n"
                + "\n-- \nSent by the incident tracker because you subscribed to updates of this kind.\n";
        return new EmailMessage(cut(subject, 200), text);
    }

    /** How the delivery row keeps it. */
    public String toJson() {
        return JSON.createObjectNode().put("subject", subject).put("text", text).toString();
    }

    public static EmailMessage fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new EmailMessage(n.path("subject").asText(), n.path("text").asText());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not an e-mail payload", e);
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
