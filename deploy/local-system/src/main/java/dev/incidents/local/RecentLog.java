package dev.incidents.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * What a demo endpoint of the local run received (webhooks, mails): each item numbered from 1 in order of arrival,
 * only the last {@code keep} of them kept, so that a long run or a benchmark cannot grow the launcher without bound,
 * and read a page at a time, oldest first.
 */
final class RecentLog<T> {

    /** Page size when the caller names none. */
    static final int DEFAULT_LIMIT = 100;

    /** The largest page: one request stays a few hundred kilobytes however much arrived. */
    static final int MAX_LIMIT = 1000;

    /** What the local run keeps of each kind unless INCIDENTS_RECEIVER_KEEP says otherwise. */
    static final int DEFAULT_KEEP = 1000;

    static final ObjectMapper JSON = new ObjectMapper();

    /** One page, oldest first; {@code nextCursor} is null when nothing kept follows it yet. */
    record Page<T>(List<T> items, Long nextCursor, long dropped) {}

    private final int keep;
    private final ConcurrentSkipListMap<Long, T> items = new ConcurrentSkipListMap<>();
    private long lastId;
    private long dropped;

    RecentLog(int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1: " + keep);
        }
        this.keep = keep;
    }

    /** Numbers the next item ({@code make} gets its id), keeps it and forgets the oldest beyond {@code keep}. */
    synchronized T add(LongFunction<T> make) {
        T item = make.apply(++lastId);
        items.put(lastId, item);
        while (items.size() > keep) {
            items.pollFirstEntry();
            dropped++;
        }
        return item;
    }

    /** Everything kept, oldest first. */
    List<T> all() {
        return new ArrayList<>(items.values());
    }

    /** How many items were forgotten to stay within {@code keep}. */
    synchronized long dropped() {
        return dropped;
    }

    /**
     * Up to {@code limit} kept items numbered after {@code after} (0: from the oldest kept), oldest first. An
     * {@code after} that was already forgotten starts at the oldest kept item.
     */
    Page<T> page(long after, int limit) {
        NavigableMap<Long, T> tail = items.tailMap(after, false);
        List<T> page = new ArrayList<>(Math.min(limit, 64));
        long last = after;
        for (Map.Entry<Long, T> e : tail.entrySet()) {
            if (page.size() == limit) {
                return new Page<>(page, last, dropped());
            }
            page.add(e.getValue());
            last = e.getKey();
        }
        return new Page<>(page, null, dropped());
    }

    /**
     * Answers a GET with one page as {@code {"items": [...], "nextCursor": "17", "dropped": 0}}. Query parameters:
     * {@code limit} (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}); {@code cursor} (a nextCursor) or
     * {@code after} (the id of the last item the caller has: the same thing, handy for following new arrivals).
     * A bad parameter is a 400 problem, like the services' own APIs.
     */
    void serve(HttpExchange ex, Function<T, ObjectNode> toJson) throws IOException {
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        long after;
        int limit;
        try {
            limit = (int) number(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
            after = query.containsKey("cursor")
                    ? number(query, "cursor", 0, 0, Long.MAX_VALUE)
                    : number(query, "after", 0, 0, Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            ObjectNode problem = JSON.createObjectNode()
                    .put("type", "/problems/invalid-request")
                    .put("title", "Invalid request")
                    .put("status", 400)
                    .put("detail", e.getMessage());
            respond(ex, 400, "application/problem+json", problem.toString());
            return;
        }
        Page<T> page = page(after, limit);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("items");
        page.items().forEach(item -> array.add(toJson.apply(item)));
        // A string, as the services hand out theirs; a client passes it back unchanged.
        if (page.nextCursor() == null) {
            body.putNull("nextCursor");
        } else {
            body.put("nextCursor", page.nextCursor().toString());
        }
        body.put("dropped", page.dropped());
        respond(ex, 200, "application/json", body.toString());
    }

    private static long number(Map<String, String> query, String name, long fallback, long min, long max) {
        String value = query.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the bounds
        }
        throw new IllegalArgumentException(name + ": '" + value + "' is not a number from " + min
                + (max == Long.MAX_VALUE ? " on" : " to " + max));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.putIfAbsent(name, value);
        }
        return query;
    }

    static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
