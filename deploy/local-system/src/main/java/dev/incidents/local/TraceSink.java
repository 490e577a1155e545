package dev.incidents.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Where the local run's services send their traces when it runs with them ({@code -Dincidents.local.traces=true}, as
 * {@code ./run-local} does): an OTLP/HTTP endpoint ({@code POST /v1/traces}, protobuf) on the demo receiver, so one
 * can follow a request from the command service through Kafka into the projection and the webhook without running a
 * collector. {@code GET /traces} lists the spans kept, oldest first, a page at a time ({@link RecentLog#serve}); with
 * {@code ?traceId=} only that trace's. A real installation sends them to an OpenTelemetry collector instead.
 *
 * <p>It reads only what it lists (ids, name, kind, times, the service), with a small protobuf reader of its own, so the
 * local run needs no protobuf library.
 */
public final class TraceSink {

    /** One finished span as a service exported it. */
    public record Span(
            long id,
            String service,
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            String kind,
            long startNanos,
            long endNanos) {}

    private static final String[] KINDS = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

    private final RecentLog<Span> spans;

    TraceSink(int keep) {
        this.spans = new RecentLog<>(keep);
    }

    /** The spans kept, oldest first. */
    public List<Span> spans() {
        return spans.all();
    }

    /** The spans kept of one trace, oldest first. */
    public List<Span> trace(String traceId) {
        return spans.all().stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /** {@code POST /v1/traces}: an OTLP ExportTraceServiceRequest; answered with an empty ExportTraceServiceResponse. */
    void collect(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                RecentLog.respond(ex, 405, "text/plain", "POST OTLP protobuf here");
                return;
            }
            InputStream in = ex.getRequestBody();
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            byte[] body = in.readAllBytes();
            try {
                readRequest(body);
            } catch (RuntimeException e) {
                RecentLog.respond(ex, 400, "text/plain", "not an OTLP trace export: " + e.getMessage());
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, -1);
        }
    }

    /** {@code GET /traces}: the spans kept, a page at a time; {@code ?traceId=} for one trace, all of it. */
    void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String query = ex.getRequestURI().getRawQuery();
            if (query != null && query.startsWith("traceId=")) {
                String traceId = query.substring("traceId=".length());
                ObjectNode body = RecentLog.JSON.createObjectNode();
                var items = body.putArray("items");
                trace(traceId).forEach(s -> items.add(toJson(s)));
                RecentLog.respond(ex, 200, "application/json", body.toString());
                return;
            }
            spans.serve(ex, TraceSink::toJson);
        }
    }

    private static ObjectNode toJson(Span s) {
        ObjectNode json = RecentLog.JSON
                .createObjectNode()
                .put("id", s.id())
                .put("service", s.service())
                .put("traceId", s.traceId())
                .put("spanId", s.spanId())
                .put("parentSpanId", s.parentSpanId())
                .put("name", s.name())
                .put("kind", s.kind())
                .put("durationMicros", (s.endNanos() - s.startNanos()) / 1000);
        return json;
    }

    // ---- the few OTLP messages it reads (opentelemetry-proto, trace/v1 and common/v1) ---------------------------

    private void readRequest(byte[] body) {
        Protobuf request = new Protobuf(body);
        while (request.next()) {
            if (request.field() == 1) { // ResourceSpans resource_spans
                readResourceSpans(request.message());
            } else {
                request.skip();
            }
        }
    }

    private void readResourceSpans(Protobuf resourceSpans) {
        String service = "?";
        List<Protobuf> scopes = new ArrayList<>();
        while (resourceSpans.next()) {
            switch (resourceSpans.field()) {
                case 1 -> service = serviceName(resourceSpans.message()); // Resource resource
                case 2 -> scopes.add(resourceSpans.message()); // ScopeSpans scope_spans
                default -> resourceSpans.skip();
            }
        }
        for (Protobuf scope : scopes) {
            while (scope.next()) {
                if (scope.field() == 2) { // Span spans
                    readSpan(service, scope.message());
                } else {
                    scope.skip();
                }
            }
        }
    }

    private static String serviceName(Protobuf resource) {
        String service = "?";
        while (resource.next()) {
            if (resource.field() != 1) { // KeyValue attributes
                resource.skip();
                continue;
            }
            Protobuf attribute = resource.message();
            String key = null;
            String value = null;
            while (attribute.next()) {
                switch (attribute.field()) {
                    case 1 -> key = attribute.string();
                    case 2 -> { // AnyValue value: string_value is field 1
                        Protobuf any = attribute.message();
                        while (any.next()) {
                            if (any.field() == 1) {
                                value = any.string();
                            } else {
                                any.skip();
                            }
                        }
                    }
                    default -> attribute.skip();
                }
            }
            if ("service.name".equals(key) && value != null) {
                service = value;
            }
        }
        return service;
    }

    private void readSpan(String service, Protobuf span) {
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        String kind = KINDS[0];
        long start = 0;
        long end = 0;
        while (span.next()) {
            switch (span.field()) {
                case 1 -> traceId = HexFormat.of().formatHex(span.bytes());
                case 2 -> spanId = HexFormat.of().formatHex(span.bytes());
                case 4 -> parent = HexFormat.of().formatHex(span.bytes());
                case 5 -> name = span.string();
                case 6 -> {
                    long k = span.varint();
                    kind = k >= 0 && k < KINDS.length ? KINDS[(int) k] : Long.toString(k);
                }
                case 7 -> start = span.fixed64();
                case 8 -> end = span.fixed64();
                default -> span.skip();
            }
        }
        String tid = traceId;
        String sid = spanId;
        String pid = parent;
        String n = name;
        String k = kind;
        long s = start;
        long e = end;
        spans.add(id -> new Span(id, service, tid, sid, pid, n, k, s, e));
    }

    /** A reader of protobuf's wire format: one message's fields in order. */
    private static final class Protobuf {
        private final byte[] buf;
        private int pos;
        private final int limit;
        private int field;
        private int wireType;

        Protobuf(byte[] buf) {
            this(buf, 0, buf.length);
        }

        private Protobuf(byte[] buf, int from, int limit) {
            this.buf = buf;
            this.pos = from;
            this.limit = limit;
        }

        boolean next() {
            if (pos >= limit) {
                return false;
            }
            long tag = varint();
            field = (int) (tag >>> 3);
            wireType = (int) (tag & 7);
            return true;
        }

        int field() {
            return field;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= limit) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = buf[pos++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        long fixed64() {
            if (wireType != 1 || pos + 8 > limit) {
                throw new IllegalArgumentException("expected fixed64 at field " + field);
            }
            long value = 0;
            for (int i = 7; i >= 0; i--) {
                value = (value << 8) | (buf[pos + i] & 0xffL);
            }
            pos += 8;
            return value;
        }

        private int length() {
            if (wireType != 2) {
                throw new IllegalArgumentException("expected a length-delimited field " + field);
            }
            long n = varint();
            if (n < 0 || pos + n > limit) {
                throw new IllegalArgumentException("field " + field + " runs past its message");
            }
            return (int) n;
        }

        byte[] bytes() {
            int n = length();
            byte[] out = new byte[n];
            System.arraycopy(buf, pos, out, 0, n);
            pos += n;
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        Protobuf message() {
            int n = length();
            Protobuf inner = new Protobuf(buf, pos, pos + n);
            pos += n;
            return inner;
        }

        void skip() {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int n = length(); // first: it moves pos past the length's own bytes
                    pos += n;
                }
                case 5 -> pos += 4;
                default -> throw new IllegalArgumentException("wire type " + wireType + " at field " + field);
            }
            if (pos > limit) {
                throw new IllegalArgumentException("field " + field + " runs past its message");
            }
        }
    }
}
