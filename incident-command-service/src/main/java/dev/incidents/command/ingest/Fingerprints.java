package dev.incidents.command.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** A stable identity for an alert that came without one: a hash of its sorted labels. */
final class Fingerprints {

    private Fingerprints() {}

    static String of(Map<String, String> labels) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(labels)
                .forEach(
                        (k, v) -> canonical.append(k).append('\u0000').append(v).append('\u0001'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
