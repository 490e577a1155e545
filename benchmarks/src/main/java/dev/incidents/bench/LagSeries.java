package dev.incidents.bench;

import dev.incidents.local.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A consumer's lag over time, read from the service's own metrics ({@code incidents_consumer_lag_events} and
 * {@code _seconds}) once a second: what an operator's dashboard would show.
 */
final class LagSeries {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern EVENTS = Pattern.compile("(?m)^incidents_consumer_lag_events\\{[^}]*} ([0-9.Ee+-]+)");
    private static final Pattern SECONDS =
            Pattern.compile("(?m)^incidents_consumer_lag_seconds\\{[^}]*} ([0-9.Ee+-]+)");

    /** One reading, {@code at} seconds after the series began; -1 when the service did not answer. */
    record Sample(double at, long events, double seconds) {}

    private final String service;
    private final String metricsUrl;
    private final long start = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();

    private LagSeries(LocalSystem system, String service) {
        this.service = service;
        this.metricsUrl = system.managementUrl(service) + "/q/metrics";
    }

    static LagSeries of(LocalSystem system, String service) {
        return new LagSeries(system, service);
    }

    /** Samples once a second until the lag reads 0 (after having been measured) or {@code timeout} passed. */
    static LagSeries follow(LocalSystem system, String service, Duration timeout) throws InterruptedException {
        LagSeries s = new LagSeries(system, service);
        s.followUntilDrained(timeout);
        return s;
    }

    void followUntilDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Sample last = sample();
            if (last.events() == 0) {
                return;
            }
            Thread.sleep(1_000);
        } while (System.nanoTime() < deadline);
    }

    Sample sample() {
        double at = (System.nanoTime() - start) / 1e9;
        Sample s;
        try {
            String body = HTTP.send(
                            HttpRequest.newBuilder(URI.create(metricsUrl))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher e = EVENTS.matcher(body);
            Matcher sec = SECONDS.matcher(body);
            s = e.find() && sec.find()
                    ? new Sample(at, (long) Double.parseDouble(e.group(1)), Double.parseDouble(sec.group(1)))
                    : new Sample(at, -1, -1);
        } catch (Exception ex) {
            s = new Sample(at, -1, -1);
        }
        synchronized (samples) {
            samples.add(s);
        }
        return s;
    }

    boolean drained() {
        synchronized (samples) {
            return !samples.isEmpty() && samples.get(samples.size() - 1).events() == 0;
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The series in a line: time, events behind and seconds behind, every few samples. */
    String describe() {
        List<Sample> all = samples();
        StringBuilder b = new StringBuilder(service).append(" lag (s: events / seconds behind):");
        int step = Math.max(1, all.size() / 12);
        for (int i = 0; i < all.size(); i++) {
            if (i % step == 0 || i == all.size() - 1) {
                Sample s = all.get(i);
                b.append(String.format(Locale.ROOT, " %.0f: %d / %.1f;", s.at(), s.events(), s.seconds()));
            }
        }
        return b.toString();
    }
}
