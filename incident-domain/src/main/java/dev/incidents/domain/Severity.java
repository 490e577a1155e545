package dev.incidents.domain;

/** How bad an incident is; SEV1 is the worst. Wire form is the constant name. */
public enum Severity {
    SEV1,
    SEV2,
    SEV3,
    SEV4
}
