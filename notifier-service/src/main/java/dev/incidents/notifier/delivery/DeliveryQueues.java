package dev.incidents.notifier.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The open deliveries of one (subscription, incident) form a queue, sent in order: its head (the oldest open one) is
 * claimable, the rest wait with their next attempt at 'infinity' until the one ahead of them ends, so that a claim
 * never walks the tail of a long queue (an alert storm's incident). Whoever ends a head promotes the next
 * ({@link #promoteNext}). The planner holds a share lock on the heads it queues behind, so a head cannot end unseen
 * while rows are added behind it; rows are locked in id order on both sides. Should a row still be left waiting
 * with nothing ahead of it, the sender's sweep ({@link #promoteStranded}, every minute) finds it. Order never
 * depends on any of this: the claim takes a delivery only when nothing older of its queue is open.
 */
final class DeliveryQueues {

    /** The ids of the heads (oldest open deliveries) of the queues given as two arrays: subscription keys, incident ids. */
    private static final String HEADS = "(select (select min(d.id) from delivery d where d.subscription_key = q.k"
            + " and d.incident_id = q.i and d.status in ('pending', 'retrying'))"
            + " from unnest(?::text[], ?::text[]) as q(k, i))";

    private DeliveryQueues() {}

    /** A queue's name in a set: subscription key and incident id. */
    static String name(String subscriptionKey, String incidentId) {
        return subscriptionKey + "\u0000" + incidentId;
    }

    /**
     * The names of those of these queues ({subscription key, incident id}) that hold an open delivery, their heads
     * share-locked until the transaction ends: a head that ends meanwhile waits for this transaction and then sees
     * what it added. A head that ended first is not returned (its queue counts as empty).
     */
    static Set<String> open(Connection c, List<String[]> queues) throws SQLException {
        Set<String> open = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("select subscription_key, incident_id from delivery where id in "
                + HEADS + " and status in ('pending', 'retrying') order by id for share")) {
            bind(c, ps, queues);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open.add(name(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return open;
    }

    /** Makes the head of each of these queues due if it was waiting (the one ahead of it just ended). */
    static void promoteNext(Connection c, List<String[]> queues) throws SQLException {
        if (queues.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("update delivery set next_attempt_at = now() where id in "
                + HEADS + " and next_attempt_at = 'infinity'")) {
            bind(c, ps, queues);
            ps.executeUpdate();
        }
    }

    /**
     * Makes due every waiting delivery with nothing older of its queue open (its predecessor ended while it was being
     * planned); returns how many.
     */
    static int promoteStranded(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update delivery w set next_attempt_at = now()"
                + " where w.next_attempt_at = 'infinity' and w.status in ('pending', 'retrying')"
                + " and not exists (select 1 from delivery e where e.subscription_key = w.subscription_key"
                + "   and e.incident_id = w.incident_id and e.id < w.id and e.status in ('pending', 'retrying'))")) {
            return ps.executeUpdate();
        }
    }

    private static void bind(Connection c, PreparedStatement ps, List<String[]> queues) throws SQLException {
        ps.setArray(1, c.createArrayOf("text", queues.stream().map(q -> q[0]).toArray()));
        ps.setArray(2, c.createArrayOf("text", queues.stream().map(q -> q[1]).toArray()));
    }
}
