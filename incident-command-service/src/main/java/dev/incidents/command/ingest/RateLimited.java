package dev.incidents.command.ingest;

import dev.incidents.support.auth.Caller;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an integration endpoint: each request takes from its API key's and its tenant's bucket
 * ({@link IngestRateLimits}) before its body is read, and is refused with 429 when either is empty.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RateLimited {

    /** The filter behind the annotation; it runs once the caller is authenticated. */
    @Provider
    @RateLimited
    @Priority(Priorities.USER)
    class Filter implements ContainerRequestFilter {

        @Inject
        Caller caller;

        @Inject
        IngestRateLimits limits;

        @Override
        public void filter(ContainerRequestContext request) {
            if (caller.keyName() != null) {
                limits.admit(caller.tenant(), caller.keyName());
            }
        }
    }
}
