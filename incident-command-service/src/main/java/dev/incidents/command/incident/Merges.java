package dev.incidents.command.incident;

import dev.incidents.command.store.CommandContext;
import dev.incidents.command.store.CommandHandler;
import dev.incidents.command.store.GroupCommit;
import dev.incidents.command.store.WriteBatch;
import dev.incidents.command.store.WriteResult;
import dev.incidents.domain.IncidentCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** Merging a duplicate: two streams and the alert routes change together, or not at all. */
@ApplicationScoped
public class Merges {

    @Inject
    CommandHandler handler;

    public WriteResult merge(CommandContext ctx, String duplicateId, String targetId) {
        WriteBatch.Reads reads = new WriteBatch.Reads(List.of(), List.of(duplicateId, targetId));
        return handler.transact(ctx, GroupCommit.Work.reading(reads, batch -> {
            WriteBatch.Appended closed = batch.append(ctx, duplicateId, new IncidentCommand.MergeInto(targetId));
            // The target is checked without If-Match: the caller's expectation was about the duplicate.
            CommandContext onTarget = new CommandContext(ctx.tenant(), ctx.actor(), ctx.occurredAt(), null, null, null);
            String title = batch.titleOf(duplicateId);
            batch.append(onTarget, targetId, new IncidentCommand.AttachDuplicate(duplicateId, title));
            batch.moveRoutes(ctx.tenant(), duplicateId, targetId);
            return new WriteResult(duplicateId, closed.sequence(), 202);
        }));
    }
}
