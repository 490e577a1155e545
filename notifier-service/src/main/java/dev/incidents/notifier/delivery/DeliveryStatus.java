package dev.incidents.notifier.delivery;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a delivery stands. Pending and retrying are open (still being tried, or waiting behind an earlier delivery of
 * its queue); the others have ended. The wire and column value is the lower-case name. SQL spells the open ones as
 * the literal {@code status in ('pending', 'retrying')}, which is the predicate of the delivery table's partial
 * indexes: PostgreSQL uses such an index only for a query whose condition matches it.
 */
public enum DeliveryStatus {
    PENDING,
    RETRYING,
    DELIVERED,
    DEAD,
    CANCELLED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean open() {
        return this == PENDING || this == RETRYING;
    }

    public static Optional<DeliveryStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(value)).findFirst();
    }

    /** The column's value as a status; the table's check constraint admits no other. */
    static DeliveryStatus ofColumn(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalStateException("unknown delivery status " + value));
    }

    /** The wire names, for messages. */
    public static String wireNames() {
        return String.join(
                ", ", Arrays.stream(values()).map(DeliveryStatus::wireName).toList());
    }
}
