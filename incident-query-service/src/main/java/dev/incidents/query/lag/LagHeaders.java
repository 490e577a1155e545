package dev.incidents.query.lag;

import dev.incidents.support.lag.ConsumerLag;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;

/**
 * Every read of a read model says how far behind the log it may be: {@code Read-Model-Lag-Events} (events written
 * but not yet projected, for the whole consumer group) and {@code Read-Model-Lag-Seconds} (age of the oldest of
 * them), as last measured by {@link ConsumerLag}. A dashboard can show "data as of" from them; a client that needs
 * its own write reads with {@code minSequence} instead.
 */
@Provider
public class LagHeaders implements ContainerResponseFilter {

    public static final String EVENTS = "Read-Model-Lag-Events";
    public static final String SECONDS = "Read-Model-Lag-Seconds";

    @Inject
    ConsumerLag lag;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!"GET".equals(request.getMethod()) || response.getStatus() >= 300) {
            return;
        }
        ConsumerLag.Lag l = lag.current();
        if (l.measuredAt() == null) {
            return; // not measured yet: no figure rather than a false zero
        }
        response.getHeaders().putSingle(EVENTS, Long.toString(l.events()));
        response.getHeaders().putSingle(SECONDS, String.format(Locale.ROOT, "%.1f", l.seconds()));
    }
}
