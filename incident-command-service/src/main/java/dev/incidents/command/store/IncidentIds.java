package dev.incidents.command.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * New incident ids: UUID version 7 (RFC 9562), time-ordered so that new incidents land at the end of indexes
 * and ids sort roughly by creation.
 */
public final class IncidentIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private IncidentIds() {}

    public static String next() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
