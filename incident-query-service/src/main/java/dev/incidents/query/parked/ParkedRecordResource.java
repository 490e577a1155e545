package dev.incidents.query.parked;

import dev.incidents.support.auth.Caller;
import dev.incidents.support.parking.ParkedRecords;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The records of {@code incident-events} this service parked instead of projected: an admin sees those of their
 * tenant; the admins of the operator's tenant ({@code incidents.operator-tenant}) also see those nobody can attribute.
 */
@Path("/api/v1/admin/parked-records")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "admin")
public class ParkedRecordResource {

    @Inject
    ParkedRecords parked;

    @Inject
    Caller caller;

    @GET
    @Operation(
            summary = "Records this service could not decode or apply, newest first",
            description =
                    "Each with where it was (topic, partition, offset), the reason, and the raw key, value and headers. "
                            + "Follow nextCursor for the next page.")
    public ParkedRecords.Page list(
            @Parameter(
                            description =
                                    "not-json, invalid-envelope, out-of-bounds, invalid-key, invalid-header, apply-failed")
                    @QueryParam("reason")
                    String reason,
            @QueryParam("cursor") String cursor,
            @Parameter(description = "Page size, 1 to 200 (default 50)") @QueryParam("limit") String limit) {
        return parked.page(caller.tenant(), ParkedRecords.Query.of(reason, cursor, limit));
    }
}
