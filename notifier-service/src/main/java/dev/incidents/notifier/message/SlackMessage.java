package dev.incidents.notifier.message;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Slack incoming-webhook message: a plain {@code text} fallback (notifications, screen readers) and Block Kit
 * blocks with the incident's title, severity, status, services, what happened and a button to it.
 */
public final class SlackMessage {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Slack cuts header blocks at 150 characters. */
    private static final int HEADER_MAX = 150;

    private SlackMessage() {}

    public static String render(Notification n) {
        ObjectNode root = JSON.createObjectNode();
        // Slack reads the fallback as mrkdwn too: unescaped, a title's <!channel> would ping and <https://x|y> would
        // link.
        root.put("text", escape(n.label() + ": " + n.headline() + " (" + n.status() + ")"));
        ArrayNode blocks = root.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(n.label(), HEADER_MAX));

        ObjectNode what = blocks.addObject().put("type", "section");
        what.putObject("text").put("type", "mrkdwn").put("text", escape(n.headline()));

        ObjectNode facts = blocks.addObject().put("type", "section");
        ArrayNode fields = facts.putArray("fields");
        field(fields, "Severity", n.severity());
        field(fields, "Status", n.status());
        field(fields, "Services", n.services().isEmpty() ? "none named" : String.join(", ", n.services()));
        field(fields, "When", n.occurredAt().toString() + (n.actor() == null ? "" : " by " + n.actor()));

        ObjectNode actions = blocks.addObject().put("type", "actions");
        ObjectNode button =
                actions.putArray("elements").addObject().put("type", "button").put("url", n.link());
        button.putObject("text").put("type", "plain_text").put("text", "Open incident");
        return root.toString();
    }

    private static void field(ArrayNode fields, String name, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", "*" + name + "*\n" + escape(value));
    }

    /** Slack's three control characters in mrkdwn text (and in the fallback text). */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
