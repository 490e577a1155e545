package dev.incidents.notifier.delivery;

import dev.incidents.notifier.NotifierConfig;
import dev.incidents.notifier.message.EmailMessage;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;

/**
 * E-mail deliveries through the configured SMTP server (Quarkus Mailer, {@code quarkus.mailer.*}). The server
 * accepting the message is delivery; any failure is retried like a 5xx, up to the same attempt budget.
 */
@ApplicationScoped
class EmailChannel {

    @Inject
    ReactiveMailer mailer;

    @Inject
    NotifierConfig config;

    CompletableFuture<Outcome> send(Claimed d) {
        EmailMessage message = EmailMessage.fromJson(d.payload());
        Mail mail = Mail.withText(d.target(), message.subject(), message.text())
                .addHeader("X-Incident-Delivery", d.webhookId());
        return mailer.send(mail)
                .ifNoItem()
                .after(config.requestTimeout())
                .fail()
                .subscribeAsCompletionStage()
                .handle((ok, failure) ->
                        failure != null ? Outcome.failed(failure) : new Outcome(250, null, null, false))
                .toCompletableFuture();
    }
}
