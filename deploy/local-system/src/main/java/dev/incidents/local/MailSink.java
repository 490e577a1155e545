package dev.incidents.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import jakarta.mail.Address;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The SMTP server of the local run, so that e-mail subscriptions have somewhere to go: it accepts every message for
 * every address (no authentication, no TLS, on loopback), keeps the last {@code keep}, and hands each to a callback (the
 * launcher prints it). The SMTP protocol is GreenMail's; its mailboxes are not used, as they would keep every message
 * for ever. GET /mails on the demo receiver lists them a page at a time ({@link #serve}).
 */
public final class MailSink implements AutoCloseable {

    /** A message's text past this many characters is cut: a mail is read here, not archived. */
    static final int MAX_TEXT = 64 * 1024;

    /** GreenMail logs each connection at INFO; the launcher's console is for the user. */
    private static final java.util.logging.Logger GREENMAIL_LOG = quiet();

    private static java.util.logging.Logger quiet() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("com.icegreen");
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    /**
     * One message as delivered to one address ({@code to}, the SMTP envelope's recipient: a message to two addresses
     * is listed twice, once for each mailbox, as two real mailboxes would each get it). {@code id} numbers them from 1
     * in order of arrival. {@code deliveryId} is the notifier's X-Incident-Delivery header, if any.
     */
    public record Mail(
            long id, Instant receivedAt, String from, String to, String subject, String text, String deliveryId) {

        /** The first {@code n} lines of the text that are not blank, for a console. */
        public List<String> firstLines(int n) {
            return text.lines().filter(l -> !l.isBlank()).limit(n).toList();
        }
    }

    private final GreenMail smtp;
    private final RecentLog<Mail> mails;
    private final Consumer<Mail> onMail;

    private MailSink(GreenMail smtp, int keep, Consumer<Mail> onMail) {
        this.smtp = smtp;
        this.mails = new RecentLog<>(keep);
        this.onMail = onMail;
    }

    /** Listens on 127.0.0.1:{@code port} (0: a free port). */
    public static MailSink start(int port, int keep, Consumer<Mail> onMail) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        GreenMail smtp = new GreenMail(port == 0 ? setup.dynamicPort() : setup);
        MailSink sink = new MailSink(smtp, keep, onMail);
        // Called for each recipient once the message is in, before the server answers 250: when the sender's
        // SMTP exchange is over, the mail is listed.
        smtp.getUserManager().setMessageDeliveryHandler((message, recipient) -> {
            sink.accept(message, recipient);
            return NOWHERE;
        });
        smtp.start();
        return sink;
    }

    public int port() {
        return smtp.getSmtp().getPort();
    }

    /** The mails kept, oldest first. */
    public List<Mail> received() {
        return mails.all();
    }

    /** How many mails were forgotten to stay within {@code keep}. */
    public long dropped() {
        return mails.dropped();
    }

    /** GET: one page of mails, oldest first, paged as {@link RecentLog#serve} says. */
    public void serve(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().add("Allow", "GET");
                RecentLog.respond(ex, 405, "application/json", "");
                return;
            }
            mails.serve(ex, MailSink::toJson);
        }
    }

    private void accept(MovingMessage message, MailAddress recipient) {
        Mail mail;
        try {
            MimeMessage mime = message.getMessage();
            String from = from(mime, message);
            String subject = mime.getSubject();
            String text = text(mime);
            String deliveryId = mime.getHeader("X-Incident-Delivery", null);
            Instant now = Instant.now();
            mail = mails.add(id -> new Mail(
                    id,
                    now,
                    from,
                    recipient.getEmail(),
                    subject == null ? "" : subject,
                    // SMTP carries lines ending in CRLF; shown and listed as the sender wrote them.
                    text == null ? "" : cut(text.replace("\r\n", "\n")),
                    deliveryId));
        } catch (Exception e) {
            // A message the sink cannot read is still accepted (the sender did nothing wrong); it is listed as such.
            mail = mails.add(
                    id -> new Mail(id, Instant.now(), "?", recipient.getEmail(), "", "(unreadable: " + e + ")", null));
        }
        onMail.accept(mail);
    }

    private static String from(MimeMessage mime, MovingMessage message) throws Exception {
        Address[] from = mime.getFrom();
        if (from != null && from.length > 0) {
            return from[0] instanceof InternetAddress a ? a.toUnicodeString() : from[0].toString();
        }
        return message.getReturnPath() == null ? "" : message.getReturnPath().getEmail();
    }

    /** The first text/plain part (decoded), else the first text part of any kind, else null. */
    private static String text(Part part) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            String other = null;
            for (int i = 0; i < multipart.getCount(); i++) {
                Part p = multipart.getBodyPart(i);
                if (p.isMimeType("text/plain") || p.isMimeType("multipart/*")) {
                    String text = text(p);
                    if (text != null) {
                        return text;
                    }
                } else if (other == null && p.isMimeType("text/*")) {
                    other = text(p);
                }
            }
            return other;
        }
        if (!part.isMimeType("text/*")) {
            return null;
        }
        Object content = part.getContent();
        if (content instanceof String s) {
            return s;
        }
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT
                ? text
                : text.substring(0, MAX_TEXT) + "\n[cut at " + MAX_TEXT + " characters]";
    }

    private static ObjectNode toJson(Mail m) {
        return RecentLog.JSON
                .createObjectNode()
                .put("id", m.id())
                .put("receivedAt", m.receivedAt().toString())
                .put("from", m.from())
                .put("to", m.to())
                .put("subject", m.subject())
                .put("text", m.text())
                .put("deliveryId", m.deliveryId());
    }

    @Override
    public void close() {
        smtp.stop();
    }

    /** Where GreenMail would file the message: nowhere, the sink has kept it already. */
    private static final GreenMailUser NOWHERE = new GreenMailUser() {
        @Override
        public String getEmail() {
            return "sink@localhost";
        }

        @Override
        public String getLogin() {
            return "sink";
        }

        @Override
        public void deliver(MovingMessage msg) {}

        @Override
        public void deliver(MimeMessage msg) {}

        @Override
        public void create() {}

        @Override
        public void delete() {}

        @Override
        public String getPassword() {
            return "";
        }

        @Override
        public void setPassword(String password) {}

        @Override
        public void authenticate(String password) {}

        @Override
        public String getQualifiedMailboxName() {
            return "sink";
        }
    };
}
