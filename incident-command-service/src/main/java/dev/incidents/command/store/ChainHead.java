package dev.incidents.command.store;

/**
 * The last stored event of an incident: its sequence and its link in the hash chain (null for an event written
 * before the chain existed). The next event's link follows from it, so a writer that knows it need not read it.
 */
record ChainHead(long sequence, String hash) {}
