package dev.incidents.local;

import dev.incidents.infra.DevTokens;
import dev.incidents.infra.EmbeddedKafka;
import dev.incidents.infra.EmbeddedPostgres;
import dev.incidents.infra.OwnerOnlyFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The whole system on one machine: a Kafka broker (KRaft) in a JVM of its own, PostgreSQL, the three services
 * from their packaged jars, a demo webhook receiver the notifier delivers to, and an SMTP sink for its e-mails. Data
 * lives under one folder the user can wipe. Environment variables point it at an existing Kafka or PostgreSQL instead (README).
 */
public final class LocalSystem implements AutoCloseable {

    public static final String TOPIC = "incident-events";

    /** The web console's module, started after the services it reads and writes through. */
    static final String CONSOLE = "incident-console";

    /** Where the local run keeps the key pair that signs its development tokens (0600). */
    static final String TOKEN_KEY_FILE = "dev-token-key.txt";

    /** Kafka's clients log every setting at INFO; the launcher's own console is for the user. */
    private static final java.util.logging.Logger KAFKA_LOG = quiet("org.apache.kafka");

    /** zonky relays every line PostgreSQL prints at INFO. */
    private static final java.util.logging.Logger POSTGRES_LOG = quiet("io.zonky");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    /**
     * @param projectRoot where the services' jars are built ({@code <module>/target/quarkus-app/quarkus-run.jar})
     * @param externalKafka bootstrap servers of an existing Kafka, or null to start one
     * @param externalPostgresUrl e.g. {@code jdbc:postgresql://db:5432/}, or null to start one
     * @param ports kafka, postgres, command, query, notifier, receiver, smtpPort; 0 picks a free port
     * @param keepReceived how many webhooks, and how many mails, the receiver and the SMTP sink keep (the last ones)
     * @param consolePort the web console's port (0 picks a free one), or {@link #NO_CONSOLE}
     */
    public record Options(
            Path projectRoot,
            Path dataDir,
            String externalKafka,
            String externalPostgresUrl,
            String postgresUser,
            String postgresPassword,
            int kafkaPort,
            int postgresPort,
            int commandPort,
            int queryPort,
            int notifierPort,
            int receiverPort,
            int topicPartitions,
            int kafkaNodes,
            int queryInstances,
            int notifierInstances,
            int smtpPort,
            int keepReceived,
            int consolePort) {

        /** The console is not started: the system as the tests of the pipe need it. */
        public static final int NO_CONSOLE = -1;

        /**
         * What the receiver and the SMTP sink keep when started from code: tests and benchmarks audit every webhook
         * that arrived ({@link SystemAudit} refuses to audit if any was dropped), so this is generous.
         */
        public static final int KEEP_FOR_AUDIT = 100_000;

        /**
         * Several Kafka nodes and instances, the SMTP sink on a free port, {@link #KEEP_FOR_AUDIT} webhooks and mails
         * kept.
         */
        public Options(
                Path projectRoot,
                Path dataDir,
                String externalKafka,
                String externalPostgresUrl,
                String postgresUser,
                String postgresPassword,
                int kafkaPort,
                int postgresPort,
                int commandPort,
                int queryPort,
                int notifierPort,
                int receiverPort,
                int topicPartitions,
                int kafkaNodes,
                int queryInstances,
                int notifierInstances) {
            this(
                    projectRoot,
                    dataDir,
                    externalKafka,
                    externalPostgresUrl,
                    postgresUser,
                    postgresPassword,
                    kafkaPort,
                    postgresPort,
                    commandPort,
                    queryPort,
                    notifierPort,
                    receiverPort,
                    topicPartitions,
                    kafkaNodes,
                    queryInstances,
                    notifierInstances,
                    0,
                    KEEP_FOR_AUDIT,
                    NO_CONSOLE);
        }

        /** The same system with the web console on {@code port} (0: a free one). */
        public Options withConsole(int port) {
            return new Options(
                    projectRoot,
                    dataDir,
                    externalKafka,
                    externalPostgresUrl,
                    postgresUser,
                    postgresPassword,
                    kafkaPort,
                    postgresPort,
                    commandPort,
                    queryPort,
                    notifierPort,
                    receiverPort,
                    topicPartitions,
                    kafkaNodes,
                    queryInstances,
                    notifierInstances,
                    smtpPort,
                    keepReceived,
                    port);
        }

        /** One Kafka node, one instance of each service. */
        public Options(
                Path projectRoot,
                Path dataDir,
                String externalKafka,
                String externalPostgresUrl,
                String postgresUser,
                String postgresPassword,
                int kafkaPort,
                int postgresPort,
                int commandPort,
                int queryPort,
                int notifierPort,
                int receiverPort,
                int topicPartitions) {
            this(
                    projectRoot,
                    dataDir,
                    externalKafka,
                    externalPostgresUrl,
                    postgresUser,
                    postgresPassword,
                    kafkaPort,
                    postgresPort,
                    commandPort,
                    queryPort,
                    notifierPort,
                    receiverPort,
                    topicPartitions,
                    1,
                    1,
                    1);
        }

        /**
         * A scaled-out system on free ports: a KRaft cluster of {@code kafkaNodes} (three: replication 3, min ISR 2),
         * and several instances of the query service and of the notifier, each kind in one consumer group.
         */
        public static Options scaledOut(
                Path projectRoot,
                Path dataDir,
                int partitions,
                int kafkaNodes,
                int queryInstances,
                int notifierInstances) {
            return new Options(
                    projectRoot,
                    dataDir,
                    null,
                    null,
                    null,
                    null,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    partitions,
                    kafkaNodes,
                    queryInstances,
                    notifierInstances);
        }

        /**
         * Defaults of the local run, overridden by environment variables. The receiver and the SMTP sink keep the last
         * 1000 webhooks and mails each (INCIDENTS_RECEIVER_KEEP), so that a long run does not grow the launcher.
         */
        public static Options fromEnvironment(Path projectRoot) {
            Map<String, String> env = System.getenv();
            return new Options(
                    projectRoot,
                    Path.of(env.getOrDefault(
                            "INCIDENTS_DATA_DIR",
                            projectRoot.resolve(".local-data").toString())),
                    env.get("KAFKA_BOOTSTRAP_SERVERS"),
                    env.get("INCIDENTS_POSTGRES_URL"),
                    env.getOrDefault("INCIDENTS_POSTGRES_USER", "postgres"),
                    env.getOrDefault("INCIDENTS_POSTGRES_PASSWORD", "postgres"),
                    Integer.parseInt(env.getOrDefault("INCIDENTS_KAFKA_PORT", "19092")),
                    Integer.parseInt(env.getOrDefault("INCIDENTS_POSTGRES_PORT", "15432")),
                    Integer.parseInt(env.getOrDefault("INCIDENTS_COMMAND_PORT", "8081")),
                    Integer.parseInt(env.getOrDefault("INCIDENTS_QUERY_PORT", "8082")),
                    Integer.parseInt(env.getOrDefault("INCIDENTS_NOTIFIER_PORT", "8083")),
                    Integer.parseInt(env.getOrDefault("INCIDENTS_RECEIVER_PORT", "8089")),
                    3,
                    1,
                    1,
                    1,
                    Integer.parseInt(env.getOrDefault("INCIDENTS_SMTP_PORT", "2525")),
                    Integer.parseInt(
                            env.getOrDefault("INCIDENTS_RECEIVER_KEEP", Integer.toString(RecentLog.DEFAULT_KEEP))),
                    Integer.parseInt(env.getOrDefault("INCIDENTS_CONSOLE_PORT", "8080")));
        }
    }

    /**
     * How long a process may take to become ready: 90 s, or {@code -Dincidents.ready-seconds} on a machine shared with
     * other builds (a JVM start there can take minutes).
     */
    private static Duration ready() {
        return Duration.ofSeconds(Long.getLong("incidents.ready-seconds", 90));
    }

    private final List<AutoCloseable> started = new ArrayList<>();

    private record Launch(
            List<String> command, Path directory, Map<String, String> env, Path logs, int port, int managementPort) {
        String readiness() {
            return "http://127.0.0.1:" + managementPort + "/q/health/ready";
        }
    }

    private final Map<String, Launch> launches = new HashMap<>();
    /** The command line of each Kafka node this system started, by process name, to start it again on its data. */
    private final Map<String, List<String>> kafkaLaunches = new java.util.LinkedHashMap<>();

    private EmbeddedPostgres postgres;
    private Path postgresDataDir;
    private int postgresPort;
    private Path logDir;
    private int restarts;
    private String bootstrapServers;
    private short replication = 1;
    private final List<String> queryUrls = new ArrayList<>();
    private final List<String> notifierUrls = new ArrayList<>();
    private String jdbcBase;
    private String user;
    private String password;
    private String commandUrl;
    private String queryUrl;
    private String notifierUrl;
    private String consoleUrl;
    private String webhookSecret;
    private WebhookReceiver receiver;
    private MailSink mailSink;
    private TraceSink traceSink;
    private DevTokens tokens;
    private String apiKey;
    private String secretsKey;
    private String commandSecretsKey;

    private LocalSystem() {}

    /**
     * The JVM options of every service, as a pod runs them (Kubernetes passes the same in JAVA_OPTS_APPEND,
     * deploy/kubernetes/base/config.yaml): G1 starting with a heap big enough for load (a 32 MB start made young
     * collections of the command service take 100 ms each under ingest) that may shrink to 32 MB once idle (a periodic
     * collection every 5 s when nothing else collects). The serial collector idles 30 MB smaller, but under an alert
     * storm its pauses cost the command service 60 ms per young and 360 ms per full collection.
     *
     * <p>Only the quick JIT compiler (C1, TieredStopAtLevel=1): on two cores shared by five JVMs, C2's compiler threads
     * still took a third to a half of each service's CPU after minutes of load, and the whole system answered single
     * alerts at 25 requests/s with p99 217 ms; with C1 alone p99 67 ms (50 requests/s: 366 ms before, 99 ms after),
     * services are ready sooner and idle about 30 MB smaller. Code compiled by C1 alone is slower at its peak: on
     * nodes with cores to spare, drop the flag (deploy/CAPACITY.md).
     */
    public static final List<String> SERVICE_JVM_OPTIONS = List.of(
            "-XX:InitialHeapSize=256m",
            "-XX:MinHeapSize=32m",
            "-Xmx512m",
            "-XX:G1PeriodicGCInterval=5000",
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-XX:+ExitOnOutOfMemoryError");

    /** Starts everything and returns once every service answers its readiness probe. */
    public static LocalSystem start(Options o, Consumer<String> progress, Consumer<WebhookReceiver.Received> onWebhook)
            throws Exception {
        return start(o, progress, onWebhook, mail -> {});
    }

    /** The same, with a callback for each mail the SMTP sink accepts. */
    public static LocalSystem start(
            Options o,
            Consumer<String> progress,
            Consumer<WebhookReceiver.Received> onWebhook,
            Consumer<MailSink.Mail> onMail)
            throws Exception {
        LocalSystem s = new LocalSystem();
        try {
            s.startAll(o, progress, onWebhook, onMail);
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    private void startAll(
            Options o,
            Consumer<String> progress,
            Consumer<WebhookReceiver.Received> onWebhook,
            Consumer<MailSink.Mail> onMail)
            throws Exception {
        Path logs = o.dataDir().resolve("logs");
        Files.createDirectories(logs);
        logDir = logs;
        List<String> jars =
                new ArrayList<>(List.of("incident-command-service", "incident-query-service", "notifier-service"));
        if (o.consolePort() != Options.NO_CONSOLE) {
            jars.add(CONSOLE);
        }
        for (String module : jars) {
            if (!Files.exists(jar(o, module))) {
                throw new IllegalStateException(
                        jar(o, module) + " is missing: build first (./mvnw package -DskipTests)");
            }
        }

        // Kafka, in a JVM of its own so that a broker restart or crash does not take the launcher down.
        if (o.externalKafka() != null) {
            bootstrapServers = o.externalKafka();
        } else {
            progress.accept(
                    "starting Kafka (KRaft" + (o.kafkaNodes() > 1 ? ", " + o.kafkaNodes() + " nodes" : "") + ") ...");
            // A free port is free when it is chosen, not always when Kafka binds it (an outgoing connection can take
            // it meanwhile): then Kafka starts again on other ports, on fresh data.
            for (int attempt = 1; ; attempt++) {
                try {
                    bootstrapServers = startKafka(o, logs, attempt);
                    break;
                } catch (IllegalStateException e) {
                    boolean chosenHere = o.kafkaNodes() > 1 || o.kafkaPort() == 0;
                    if (attempt == 3 || !chosenHere || !portTaken(logs)) {
                        throw e;
                    }
                    progress.accept("a port Kafka was given was taken meanwhile; starting Kafka again on others");
                }
            }
        }
        replication = (short) Math.min(3, Math.max(1, o.kafkaNodes()));
        createTopic(bootstrapServers, o.topicPartitions(), replication);

        // PostgreSQL: one server, one database per service, as in production.
        if (o.externalPostgresUrl() != null) {
            jdbcBase = o.externalPostgresUrl().endsWith("/") ? o.externalPostgresUrl() : o.externalPostgresUrl() + "/";
            user = o.postgresUser();
            password = o.postgresPassword();
        } else {
            progress.accept("starting PostgreSQL ...");
            postgresDataDir = o.dataDir().resolve("postgres");
            EmbeddedPostgres pg = EmbeddedPostgres.start(postgresDataDir, freeIfZero(o.postgresPort()));
            started.add(pg);
            postgres = pg;
            postgresPort = pg.port();
            jdbcBase = pg.jdbcUrl("");
            user = pg.username();
            password = pg.password();
        }
        for (String db : List.of("incident_command", "incident_query", "incident_notifier")) {
            createDatabase(jdbcBase, user, password, db);
        }

        webhookSecret = devSecret(o.dataDir(), "webhook-secret.txt", "whsec_");
        apiKey = devSecret(o.dataDir(), "api-key.txt", "ik_dev_");
        // The key the notifier encrypts webhook signing secrets under (id "local"), kept with the data like the others.
        secretsKey = devSecret(o.dataDir(), "notifier-secrets-key.txt", "local:");
        // And the key the command service encrypts per-key Grafana secrets under.
        commandSecretsKey = devSecret(o.dataDir(), "command-secrets-key.txt", "local:");
        tokens = DevTokens.loadOrGenerate(o.dataDir().resolve(TOKEN_KEY_FILE));
        receiver = WebhookReceiver.start(freeIfZero(o.receiverPort()), webhookSecret, o.keepReceived(), onWebhook);
        started.add(receiver);
        // E-mail subscriptions go to this sink; the receiver lists what it got at GET /mails.
        mailSink = MailSink.start(o.smtpPort(), o.keepReceived(), onMail);
        started.add(mailSink);
        receiver.serve("/mails", mailSink::serve);
        if (tracesOn()) {
            traceSink = new TraceSink(o.keepReceived());
            receiver.serve("/v1/traces", traceSink::collect);
            receiver.serve("/traces", traceSink::serve);
        }

        int commandPort = freeIfZero(o.commandPort());
        progress.accept("starting the services ...");
        ChildProcess command = service(
                o,
                "incident-command-service",
                commandPort,
                jdbcBase + "incident_command",
                user,
                password,
                Map.of("INCIDENTS_AUTH_BOOTSTRAP_API_KEY", apiKey, "INCIDENTS_SECRETS_KEY", commandSecretsKey),
                logs);
        List<ChildProcess> readers = new ArrayList<>();
        for (int i = 1; i <= Math.max(1, o.queryInstances()); i++) {
            int port = i == 1 ? freeIfZero(o.queryPort()) : freeIfZero(0);
            readers.add(service(
                    o,
                    instance("incident-query-service", i),
                    port,
                    jdbcBase + "incident_query",
                    user,
                    password,
                    // The local run's own tenant has a public status page (the console's /status/default).
                    Map.of("INCIDENTS_PUBLIC_STATUS_TENANTS", "default"),
                    logs));
            queryUrls.add("http://127.0.0.1:" + port);
        }
        List<ChildProcess> notifiers = new ArrayList<>();
        for (int i = 1; i <= Math.max(1, o.notifierInstances()); i++) {
            int port = i == 1 ? freeIfZero(o.notifierPort()) : freeIfZero(0);
            notifiers.add(service(
                    o,
                    instance("notifier-service", i),
                    port,
                    jdbcBase + "incident_notifier",
                    user,
                    password,
                    // The demo receiver is on loopback: the local run allows it, production refuses it (SSRF).
                    // E-mails go to the SMTP sink, which offers no TLS (STARTTLS would be refused, not skipped).
                    Map.of(
                            "NOTIFIER_WEBHOOK_URL",
                            receiver.url(),
                            "NOTIFIER_WEBHOOK_SECRET",
                            webhookSecret,
                            "NOTIFIER_ALLOW_PRIVATE_TARGETS",
                            "true",
                            "NOTIFIER_SECRETS_KEY",
                            secretsKey,
                            "QUARKUS_MAILER_HOST",
                            "127.0.0.1",
                            "QUARKUS_MAILER_PORT",
                            Integer.toString(mailSink.port()),
                            "QUARKUS_MAILER_START_TLS",
                            "DISABLED"),
                    logs));
            notifierUrls.add("http://127.0.0.1:" + port);
        }
        commandUrl = "http://127.0.0.1:" + commandPort;
        queryUrl = queryUrls.get(0);
        notifierUrl = notifierUrls.get(0);
        command.awaitHttpOk(launches.get("incident-command-service").readiness(), ready());
        for (int i = 0; i < readers.size(); i++) {
            readers.get(i)
                    .awaitHttpOk(
                            launches.get(instance("incident-query-service", i + 1))
                                    .readiness(),
                            ready());
        }
        for (int i = 0; i < notifiers.size(); i++) {
            notifiers
                    .get(i)
                    .awaitHttpOk(
                            launches.get(instance("notifier-service", i + 1)).readiness(), ready());
        }
        if (o.consolePort() != Options.NO_CONSOLE) {
            startConsole(o, logs);
        }
    }

    /**
     * The web console, on the services' public APIs only. Its development sign-in signs people's tokens with this run's
     * key (the file, not the key, is handed over: the launcher never prints or passes the private key).
     */
    private void startConsole(Options o, Path logs) throws IOException, InterruptedException {
        int port = freeIfZero(o.consolePort());
        int managementPort = port + 1000 <= 65535 && available(port + 1000) ? port + 1000 : freeIfZero(0);
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        // Its development sign-in mints any tenant's token: this machine only (it also refuses other callers itself).
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("CONSOLE_COMMAND_URL", commandUrl);
        env.put("CONSOLE_QUERY_URL", queryUrl);
        env.put("CONSOLE_NOTIFIER_URL", notifierUrl);
        env.put(
                "CONSOLE_DEV_SIGN_IN_KEY_FILE",
                o.dataDir().resolve(TOKEN_KEY_FILE).toAbsolutePath().toString());
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.javaExecutable());
        command.addAll(SERVICE_JVM_OPTIONS);
        Path directory = jar(o, CONSOLE).getParent();
        if (Files.exists(directory.resolve("app-cds.jsa"))) {
            command.add("-XX:SharedArchiveFile=app-cds.jsa");
        }
        command.add("-jar");
        command.add("quarkus-run.jar");
        ChildProcess console = ChildProcess.start(CONSOLE, command, directory, env, logs);
        started.add(console);
        Launch launch = new Launch(List.copyOf(command), directory, Map.copyOf(env), logs, port, managementPort);
        launches.put(CONSOLE, launch);
        consoleUrl = "http://127.0.0.1:" + port;
        console.awaitHttpOk(launch.readiness(), ready());
    }

    /** The first instance keeps the module's name, the others get -2, -3, ... */
    private static String instance(String module, int i) {
        return i == 1 ? module : module + "-" + i;
    }

    private ChildProcess service(
            Options o,
            String module,
            int port,
            String jdbcUrl,
            String user,
            String password,
            Map<String, String> extraEnv,
            Path logs)
            throws IOException {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        // Health, metrics and OpenAPI are served on the management interface only: 8081 -> 9081 and so on.
        int managementPort = port + 1000 <= 65535 && available(port + 1000) ? port + 1000 : freeIfZero(0);
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        // People's tokens are signed by this run's development key (no identity provider runs locally).
        env.put("QUARKUS_OIDC_PUBLIC_KEY", tokens.publicKey());
        env.put("QUARKUS_OIDC_TOKEN_ISSUER", DevTokens.ISSUER);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_USERNAME", user);
        env.put("QUARKUS_DATASOURCE_PASSWORD", password);
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        if (traceSink != null) {
            // Traces go to the demo receiver's OTLP endpoint (TraceSink), exported each second.
            env.put("QUARKUS_OTEL_SDK_DISABLED", "false");
            env.put("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.baseUrl());
            env.put("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf");
            env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "1s");
        }
        String jarModule = module.replaceFirst("-\\d+$", "");
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.javaExecutable());
        command.addAll(SERVICE_JVM_OPTIONS);
        // Started from its quarkus-app directory, as the class-data archive the build made there (AppCDS, for this
        // jar and this JDK) records the class path: -jar quarkus-run.jar.
        Path directory = jar(o, jarModule).getParent();
        if (Files.exists(directory.resolve("app-cds.jsa"))) {
            command.add("-XX:SharedArchiveFile=app-cds.jsa");
        }
        command.add("-jar");
        command.add("quarkus-run.jar");
        ChildProcess p = ChildProcess.start(module, command, directory, env, logs);
        started.add(p);
        launches.put(module, new Launch(List.copyOf(command), directory, Map.copyOf(env), logs, port, managementPort));
        return p;
    }

    /**
     * Stops one service cleanly (SIGTERM, as Kubernetes does on a rolling update); {@link #startService} starts it
     * again on the same port and database. For tests that a service picks up where it left off.
     */
    public void stopService(String module) {
        ChildProcess c = running(module, false);
        c.close();
        started.remove(c);
    }

    /**
     * Kills one process at once (SIGKILL: no shutdown hooks, no clean leave of the consumer group, nothing flushed):
     * {@code kafka-2}, {@code incident-query-service-2}, {@code notifier-service}, ... For failure tests.
     */
    public void kill(String name) {
        ChildProcess c = running(name, true);
        c.kill();
        started.remove(c);
    }

    /**
     * Stops the PostgreSQL server this system started ({@code pg_ctl stop -m fast}: clients are disconnected), keeping
     * its data; {@link #startPostgres} starts it again on the same port and data. For outage tests.
     */
    public synchronized void stopPostgres() {
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL is external or already stopped");
        }
        postgres.close();
        started.remove(postgres);
        postgres = null;
    }

    public synchronized void startPostgres() {
        if (postgres != null || postgresDataDir == null) {
            throw new IllegalStateException("PostgreSQL is external or running");
        }
        postgres = EmbeddedPostgres.start(postgresDataDir, postgresPort);
        // Before the services in the list, so that close() still stops it after them.
        started.add(0, postgres);
    }

    /**
     * Stops every Kafka node at once (SIGTERM to each, then SIGKILL after the grace period), keeping their data; with
     * all of them gone no client reaches the cluster. {@link #startKafka} starts them again on the same data and ports.
     */
    public void stopKafka() throws InterruptedException {
        List<ChildProcess> nodes = new ArrayList<>();
        for (AutoCloseable a : started) {
            if (a instanceof ChildProcess c && kafkaLaunches.containsKey(kafkaNode(c.name))) {
                nodes.add(c);
            }
        }
        List<Thread> stopping = new ArrayList<>();
        for (ChildProcess node : nodes) {
            Thread t = new Thread(node::close, "stop-" + node.name);
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            t.join();
        }
        started.removeAll(nodes);
    }

    /** "kafka-2" for "kafka-2" and "kafka-2-restarted-4". */
    private static String kafkaNode(String processName) {
        return processName.replaceFirst("-restarted-\\d+$", "");
    }

    /** Starts every Kafka node that is not running (after {@link #stopKafka} or {@link #kill}); returns once all are ready. */
    public void startKafka() throws IOException, InterruptedException {
        List<ChildProcess> nodes = new ArrayList<>();
        for (Map.Entry<String, List<String>> node : kafkaLaunches.entrySet()) {
            boolean alive = started.stream()
                    .anyMatch(a -> a instanceof ChildProcess c
                            && c.isAlive()
                            && kafkaNode(c.name).equals(node.getKey()));
            if (!alive) {
                ChildProcess again = ChildProcess.start(
                        node.getKey() + "-restarted-" + (++restarts), node.getValue(), Map.of(), logDir);
                // Before the services, so that close() stops the services first.
                started.add(0, again);
                nodes.add(again);
            }
        }
        // Every node at once: a node is ready only when a majority of the controllers answer.
        for (ChildProcess node : nodes) {
            node.awaitLogLine("KAFKA_READY", ready().plusSeconds(30));
        }
    }

    /** The names of the Kafka nodes this system started: kafka, or kafka-1, kafka-2, ... */
    public List<String> kafkaNodes() {
        return List.copyOf(kafkaLaunches.keySet());
    }

    /** The running process of that name ({@code exact}), or of that module (its instances and restarts included). */
    private ChildProcess running(String name, boolean exact) {
        for (AutoCloseable a : started) {
            if (a instanceof ChildProcess c && (exact ? c.name.equals(name) : c.name.startsWith(name)) && c.isAlive()) {
                return c;
            }
        }
        throw new IllegalStateException(name + " is not running");
    }

    /**
     * Waits until the system has digested everything sent to it: the outbox relayed, both consumer groups at the end
     * of {@value #TOPIC}, no delivery waiting for its first attempt. Returns the backlog left (0 when quiet, -1 when it
     * could not be measured at the end).
     */
    public long awaitQuiet(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backlog;
        try (Admin admin = admin()) {
            do {
                try {
                    backlog = count("incident_command", "select count(*) from outbox")
                            + lag(admin, "incident-query-service")
                            + lag(admin, "notifier-service")
                            + count(
                                    "incident_notifier",
                                    "select count(*) from delivery where status = 'pending' and attempts = 0");
                } catch (java.util.concurrent.ExecutionException | SQLException e) {
                    backlog = -1; // a broker or the group is moving (a node just failed): ask again
                }
                if (backlog != 0) {
                    Thread.sleep(250);
                }
            } while (backlog != 0 && System.nanoTime() < deadline);
        }
        return backlog;
    }

    /**
     * What a backlog that would not drain is made of, for a failing run's report: the outbox, each group's lag by
     * partition, the open deliveries by state, and what the notifiers' and readers' working threads were doing (their
     * full thread dumps go to the log directory). Best effort: a part that cannot be read says why.
     */
    public String backlogReport() {
        StringBuilder out = new StringBuilder();
        try {
            out.append("outbox rows: ")
                    .append(count("incident_command", "select count(*) from outbox"))
                    .append('\n');
        } catch (SQLException e) {
            out.append("outbox: ").append(e).append('\n');
        }
        try (Admin admin = admin()) {
            for (String group : List.of("incident-query-service", "notifier-service")) {
                out.append(group).append(": lag ").append(lag(admin, group));
                var members =
                        admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                out.append(", group ").append(members.state()).append(", members");
                members.members()
                        .forEach(m -> out.append(' ')
                                .append(m.clientId())
                                .append('@')
                                .append(m.host())
                                .append(m.assignment().topicPartitions().stream()
                                        .map(TopicPartition::partition)
                                        .sorted()
                                        .toList()));
                out.append('\n');
            }
        } catch (Exception e) {
            out.append("consumer groups: ").append(e).append('\n');
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("incident_notifier"), user, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select status, attempts, case when next_attempt_at = 'infinity'"
                                + " then 'waiting' when next_attempt_at <= now() then 'due' else 'later' end,"
                                + " coalesce(leased_until > now(), false), count(*), count(distinct incident_id)"
                                + " from delivery where status in ('pending', 'retrying') group by 1, 2, 3, 4 order by 1, 2, 3, 4")) {
            while (rs.next()) {
                out.append(String.format(
                        java.util.Locale.ROOT,
                        "deliveries %s, attempts %d, %s%s: %d of %d incidents%n",
                        rs.getString(1),
                        rs.getInt(2),
                        rs.getString(3),
                        rs.getBoolean(4) ? ", leased" : "",
                        rs.getLong(5),
                        rs.getLong(6)));
            }
        } catch (SQLException e) {
            out.append("deliveries: ").append(e).append('\n');
        }
        for (AutoCloseable a : started) {
            if (a instanceof ChildProcess c
                    && c.isAlive()
                    && (c.name.startsWith("notifier-service") || c.name.startsWith("incident-query-service"))) {
                out.append(c.threadsAtWork(logDir));
            }
        }
        return out.toString();
    }

    /** An admin client of this system's cluster that gives up on a moving cluster within seconds. */
    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000));
    }

    private long count(String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(database), user, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** How many records of the topic the group has not committed yet. */
    private static long lag(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(TOPIC))
                .allTopicNames()
                .get()
                .get(TOPIC)
                .partitions()
                .forEach(p -> latest.put(new TopicPartition(TOPIC, p.partition()), OffsetSpec.latest()));
        long lag = 0;
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata c = committed.get(end.getKey());
            lag += end.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** Every query-service instance, the first one being {@link #queryUrl()}. */
    public List<String> queryUrls() {
        return List.copyOf(queryUrls);
    }

    public List<String> notifierUrls() {
        return List.copyOf(notifierUrls);
    }

    /** Starts a service stopped by {@link #stopService}; returns once it is ready. */
    public void startService(String module) throws IOException, InterruptedException {
        Launch launch = launches.get(module);
        if (launch == null) {
            throw new IllegalArgumentException("no service " + module);
        }
        ChildProcess again = ChildProcess.start(
                module + "-restarted-" + (++restarts),
                launch.command(),
                launch.directory(),
                launch.env(),
                launch.logs());
        started.add(again);
        again.awaitHttpOk(launch.readiness(), ready());
    }

    /** This module's runtime classpath as the build wrote it; the running JVM's as a fallback. */
    private static String launcherClasspath(Options o) throws IOException {
        Path module = o.projectRoot().resolve("deploy/local-system/target");
        Path written = module.resolve("classpath.txt");
        if (Files.exists(written)) {
            return module.resolve("classes")
                    + java.io.File.pathSeparator
                    + Files.readString(written).trim();
        }
        return System.getProperty("java.class.path");
    }

    private static Path jar(Options o, String module) {
        return o.projectRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static void createTopic(String bootstrap, int partitions, short replication) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            // Unlimited retention: every read model can be rebuilt from offset 0 (ARCHITECTURE decision 3).
            NewTopic topic = new NewTopic(TOPIC, partitions, replication)
                    .configs(Map.of("retention.ms", "-1", "min.insync.replicas", replication >= 3 ? "2" : "1"));
            admin.createTopics(List.of(topic)).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static void createDatabase(String jdbcBase, String user, String password, String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcBase + "postgres", user, password);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + db + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("create database " + db);
        }
    }

    /** A development secret, kept with the data so that what a user configured once keeps working. */
    private static String devSecret(Path dataDir, String fileName, String prefix) throws IOException {
        Path file = dataDir.resolve(fileName);
        if (Files.exists(file)) {
            OwnerOnlyFiles.restrict(file);
            return Files.readString(file).trim();
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = prefix
                + (prefix.startsWith("ik_") ? Base64.getUrlEncoder().withoutPadding() : Base64.getEncoder())
                        .encodeToString(key);
        OwnerOnlyFiles.write(file, secret);
        return secret;
    }

    private static boolean available(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts Kafka's node or nodes; a node that fails to start stops the others it started. */
    private String startKafka(Options o, Path logs, int attempt) throws IOException, InterruptedException {
        List<ChildProcess> mine = new ArrayList<>();
        String suffix = attempt == 1 ? "" : "-" + attempt;
        try {
            if (o.kafkaNodes() <= 1) {
                List<String> command = List.of(
                        ChildProcess.javaExecutable(),
                        "-Xmx512m",
                        "-cp",
                        launcherClasspath(o),
                        "dev.incidents.infra.EmbeddedKafkaMain",
                        "--data-dir",
                        o.dataDir().resolve("kafka" + suffix).toString(),
                        "--port",
                        Integer.toString(freeIfZero(o.kafkaPort())));
                ChildProcess kafka = ChildProcess.start("kafka", command, Map.of(), logs);
                mine.add(kafka);
                kafkaLaunches.put("kafka", command);
                String servers = kafka.awaitLogLine("KAFKA_READY", ready());
                started.addAll(mine);
                return servers;
            } else {
                // Every node at once: a node is ready only when a majority of the controllers answer.
                EmbeddedKafka.Cluster cluster = EmbeddedKafka.Cluster.onFreePorts(o.kafkaNodes());
                List<ChildProcess> nodes = new ArrayList<>();
                for (EmbeddedKafka.Node n : cluster.nodes()) {
                    List<String> command = List.of(
                            ChildProcess.javaExecutable(),
                            "-Xmx384m",
                            "-cp",
                            launcherClasspath(o),
                            "dev.incidents.infra.EmbeddedKafkaMain",
                            "--data-dir",
                            o.dataDir().resolve("kafka-" + n.nodeId() + suffix).toString(),
                            "--cluster",
                            cluster.describe(),
                            "--node-id",
                            Integer.toString(n.nodeId()));
                    ChildProcess node = ChildProcess.start("kafka-" + n.nodeId(), command, Map.of(), logs);
                    mine.add(node);
                    kafkaLaunches.put("kafka-" + n.nodeId(), command);
                    nodes.add(node);
                }
                for (ChildProcess node : nodes) {
                    node.awaitLogLine("KAFKA_READY", ready().plusSeconds(30));
                }
                started.addAll(mine);
                return cluster.bootstrapServers();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            mine.forEach(ChildProcess::close);
            throw e;
        }
    }

    /** Whether a Kafka node's log says its port was taken. */
    private static boolean portTaken(Path logs) throws IOException {
        try (var files = Files.list(logs)) {
            for (Path log : files.filter(f -> f.getFileName().toString().startsWith("kafka"))
                    .toList()) {
                if (Files.readString(log).contains("Address already in use")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int freeIfZero(int port) throws IOException {
        if (port != 0) {
            return port;
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The JDBC URL of one of the system's databases (incident_command, incident_query, incident_notifier). */
    public String jdbcUrl(String database) {
        return jdbcBase + database;
    }

    public String postgresUser() {
        return user;
    }

    public String postgresPassword() {
        return password;
    }

    /** The operating-system process id of a running service, for footprint figures. */
    public long pid(String module) {
        return running(module, false).pid();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The management interface of a service instance (health, metrics, OpenAPI), e.g. http://127.0.0.1:9081. */
    public String managementUrl(String module) {
        Launch launch = launches.get(module);
        if (launch == null) {
            throw new IllegalArgumentException("no service " + module);
        }
        return "http://127.0.0.1:" + launch.managementPort();
    }

    public String commandUrl() {
        return commandUrl;
    }

    public String queryUrl() {
        return queryUrl;
    }

    public String notifierUrl() {
        return notifierUrl;
    }

    /** The web console (people sign in there; each tenant's status page is /status/{tenant}), or null if not started. */
    public String consoleUrl() {
        return consoleUrl;
    }

    public String webhookSecret() {
        return webhookSecret;
    }

    public WebhookReceiver receiver() {
        return receiver;
    }

    /** The SMTP sink the notifier sends e-mails to. */
    public MailSink mailSink() {
        return mailSink;
    }

    /**
     * Whether the services trace, into {@link #traceSink()}: {@code -Dincidents.local.traces=true}, as
     * {@code ./run-local} starts it. Off otherwise, so that benchmarks measure what they always measured.
     */
    static boolean tracesOn() {
        return Boolean.getBoolean(TRACES_PROPERTY);
    }

    public static final String TRACES_PROPERTY = "incidents.local.traces";

    /** The spans the services exported, when they trace ({@link #tracesOn}); else null. */
    public TraceSink traceSink() {
        return traceSink;
    }

    /** The integration API key of the default tenant. */
    public String apiKey() {
        return apiKey;
    }

    /** A development bearer token of the default tenant with the given roles, valid for a week. */
    public String token(String... roles) {
        return tokenFor("default", roles);
    }

    public String tokenFor(String tenant, String... roles) {
        return tokens.token("developer", tenant, List.of(roles), Duration.ofDays(7));
    }

    /** Stops in reverse order of start: services first, then the SMTP sink, the receiver, PostgreSQL and Kafka. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
        }
        started.clear();
    }

    /** "incident.IncidentDeclared" and the incident id of a webhook body, for one console line. */
    private static String summary(String body) {
        java.util.regex.Matcher type =
                java.util.regex.Pattern.compile("\"type\":\"([^\"]+)\"").matcher(body);
        java.util.regex.Matcher incident =
                java.util.regex.Pattern.compile("\"incidentId\":\"([^\"]+)\"").matcher(body);
        return (type.find() ? type.group(1) : "?") + " " + (incident.find() ? incident.group(1) : "");
    }

    /** One mail on the console: who to whom, the subject, then the first lines of its text, indented. */
    static String console(MailSink.Mail m) {
        StringBuilder out = new StringBuilder("[mail]    ")
                .append(m.from())
                .append(" -> ")
                .append(m.to())
                .append("  \"")
                .append(m.subject())
                .append('"');
        for (String line : m.firstLines(4)) {
            out.append(System.lineSeparator()).append("[mail]      ").append(line);
        }
        return out.toString();
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", "."))
                .toAbsolutePath()
                .normalize();
        Options options = Options.fromEnvironment(root);
        // ./run-local traces into the demo receiver unless INCIDENTS_LOCAL_TRACES=false.
        if (!"false".equalsIgnoreCase(System.getenv("INCIDENTS_LOCAL_TRACES"))) {
            System.setProperty(TRACES_PROPERTY, "true");
        }
        long t0 = System.nanoTime();
        LocalSystem system = start(
                options,
                msg -> System.out.println("[local] " + msg),
                r -> System.out.println("[webhook] " + (r.signatureValid() ? "signature ok     " : "SIGNATURE INVALID")
                        + " " + r.webhookId() + " " + summary(r.body())),
                m -> System.out.println(console(m)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("[local] stopping ...");
                            system.close();
                            stopped.countDown();
                        },
                        "local-system-stop"));
        System.out.printf("%n[local] all services ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        if (system.consoleUrl() != null) {
            System.out.println("  console           " + system.consoleUrl()
                    + "   (sign in: any tenant, name and role; status page: " + system.consoleUrl()
                    + "/status/default)");
        }
        System.out.println("  command service   " + system.commandUrl() + "   (OpenAPI, health, metrics: "
                + system.managementUrl("incident-command-service") + "/q/openapi, /q/health, /q/metrics)");
        System.out.println("  query service     " + system.queryUrl());
        System.out.println("  notifier service  " + system.notifierUrl());
        System.out.println("  webhook receiver  " + system.receiver().url()
                + "   (GET pages what arrived, oldest first: ?limit=100&after=<id>)");
        System.out.println("  SMTP sink         127.0.0.1:" + system.mailSink().port()
                + "   (e-mail subscriptions; GET " + system.receiver().baseUrl() + "/mails pages what arrived)");
        if (system.traceSink() != null) {
            System.out.println("  traces            " + system.receiver().baseUrl()
                    + "/traces   (OpenTelemetry spans of every service; ?traceId= for one trace)");
        }
        System.out.println("  webhook secret    " + system.webhookSecret());
        System.out.println("  API key           " + system.apiKey() + "   (X-Api-Key, for integrations)");
        System.out.println(
                "  bearer token      " + system.token("responder", "admin") + "   (responder + admin, 7 days)");
        System.out.println("  Kafka             " + system.bootstrapServers() + "   topic " + TOPIC);
        System.out.println("  data and logs     " + options.dataDir() + "   (delete it to start afresh)");
        System.out.println("[local] Ctrl-C stops everything.");
        stopped.await();
    }
}
