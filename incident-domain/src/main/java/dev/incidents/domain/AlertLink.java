package dev.incidents.domain;

/** A link a monitoring system attached to an alert: the query behind it, a dashboard, a runbook, an image. */
public record AlertLink(String href, String text) {}
