package dev.incidents.console.incident;

import jakarta.ws.rs.FormParam;

/**
 * The fields of the incident page's action forms, one class for all of them: each action reads the few it needs
 * and passes them on as typed (the command service names the field that is wrong).
 */
public class ActionForm {

    /** The ETag the page was rendered at; sent on as If-Match. */
    @FormParam("etag")
    public String etag;

    @FormParam("description")
    public String description;

    @FormParam("text")
    public String text;

    @FormParam("kind")
    public String kind;

    /** A datetime-local value in the reader's zone. */
    @FormParam("occurredAt")
    public String occurredAt;

    @FormParam("status")
    public String status;

    @FormParam("message")
    public String message;

    @FormParam("public")
    public String isPublic;

    /** A root cause's category. */
    @FormParam("category")
    public String category;

    /** Who is given a role. */
    @FormParam("responder")
    public String responder;

    @FormParam("role")
    public String role;

    /** An action item's owner. */
    @FormParam("owner")
    public String owner;

    /** An action item's due date (yyyy-mm-dd). */
    @FormParam("dueDate")
    public String dueDate;

    /** The action item an action is about. */
    @FormParam("itemId")
    public String itemId;
}
