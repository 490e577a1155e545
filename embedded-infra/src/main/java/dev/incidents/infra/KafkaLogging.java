package dev.incidents.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the broker's own logging at WARN without shipping a logging backend. Kafka logs through SLF4J; the two
 * backends this project uses, slf4j-jdk14 (local launcher, these tests) and slf4j-jboss-logmanager (Quarkus),
 * both take their levels from {@code java.util.logging} loggers, so a level set there is honoured. With any other
 * backend (Logback, Log4j) this does nothing and the caller's configuration decides.
 */
final class KafkaLogging {

    /** The broker's and controller's packages; the clients' ({@code org.apache.kafka.clients/common}) are the caller's. */
    private static final List<String> BROKER_CATEGORIES = List.of(
            "kafka",
            "state.change.logger",
            "org.apache.kafka.server",
            "org.apache.kafka.controller",
            "org.apache.kafka.raft",
            "org.apache.kafka.metadata",
            "org.apache.kafka.image",
            "org.apache.kafka.storage",
            "org.apache.kafka.coordinator",
            "org.apache.kafka.snapshot",
            "org.apache.kafka.queue",
            "org.apache.kafka.network",
            "org.apache.kafka.security");

    /** JUL keeps loggers weakly: without these references a level set here could be lost to garbage collection. */
    private static final List<Logger> KEPT = new ArrayList<>();

    private KafkaLogging() {}

    /** WARN for the broker's categories, unless the caller has configured a level for one of them. */
    static synchronized void quietBroker() {
        for (String category : BROKER_CATEGORIES) {
            Logger logger = Logger.getLogger(category);
            if (logger.getLevel() == null) {
                logger.setLevel(Level.WARNING);
                KEPT.add(logger);
            }
        }
    }

    /**
     * For a JVM that runs nothing but the broker: WARN everywhere, whichever of JUL or slf4j-simple is the backend,
     * unless a logging configuration was given on the command line.
     */
    static synchronized void quietWholeJvm() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null) {
            Logger root = Logger.getLogger("");
            root.setLevel(Level.WARNING);
            KEPT.add(root);
        }
        quietBroker();
    }
}
