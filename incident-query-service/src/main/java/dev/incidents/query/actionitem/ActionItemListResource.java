package dev.incidents.query.actionitem;

import dev.incidents.domain.ActionItemStatus;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.params.QueryParams;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The action items of every incident of the caller's tenant: who owes what, and what is overdue. */
@Path("/api/v1/action-items")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "action items", description = "Corrective and preventive actions across incidents")
@RolesAllowed({"viewer", "responder", "admin"})
public class ActionItemListResource {

    private static final String STATUSES = "open, in_progress, done, wont_do";

    @Inject
    ActionItemList list;

    @Inject
    Caller caller;

    @GET
    @Operation(
            summary = "List action items across incidents, soonest due first",
            description = "Items without a due date come last. Filters combine with AND; a repeated or comma-separated"
                    + " status matches any of them. overdue=true: due before today in tz (default UTC) and neither"
                    + " done nor wont_do; overdue=false: every other item. Follow nextCursor for the next page.")
    public ActionItemList.Page list(
            @Parameter(description = "The owner, exactly as written on the item") @QueryParam("owner") String owner,
            @Parameter(description = STATUSES) @QueryParam("status") List<String> status,
            @Parameter(description = "true or false") @Schema(type = SchemaType.BOOLEAN) @QueryParam("overdue")
                    String overdue,
            @Parameter(
                            description =
                                    "IANA zone whose today decides overdue, and completedAt is rendered in; default UTC")
                    @QueryParam("tz")
                    String tz,
            @QueryParam("cursor") String cursor,
            @Parameter(description = "Page size, 1 to 200 (default 50)")
                    @Schema(type = SchemaType.INTEGER)
                    @QueryParam("limit")
                    String limit) {
        Long requested = QueryParams.number("limit", limit, 1, 200);
        ZoneId zone = QueryParams.zone("tz", tz);
        var filter = new ActionItemList.Filter(
                owner == null || owner.isBlank() ? null : owner,
                statuses(status),
                bool("overdue", overdue),
                LocalDate.now(zone));
        return list.page(
                caller.tenant(),
                filter,
                cursor == null || cursor.isBlank() ? null : cursor,
                requested == null ? 50 : requested.intValue(),
                zone);
    }

    private static List<ActionItemStatus> statuses(List<String> values) {
        List<ActionItemStatus> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                try {
                    out.add(ActionItemStatus.valueOf(part.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new ProblemException(
                            Problem.invalid("status", "'" + part.trim() + "' is not one of " + STATUSES));
                }
            }
        }
        return out;
    }

    private static Boolean bool(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ProblemException(Problem.invalid(field, "'" + value + "' is not true or false"));
        };
    }
}
