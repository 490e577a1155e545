package dev.incidents.console;

import dev.incidents.infra.DevTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A development token key file, as the local run writes it, for the console's development sign-in; the services are
 * pointed at a port nothing listens on (these tests never get past the console's own checks to them).
 */
public class DevKeyResource implements QuarkusTestResourceLifecycleManager {

    static Path keyFile;
    static DevTokens tokens;

    @Override
    public Map<String, String> start() {
        try {
            keyFile = Files.createTempDirectory("console-test").resolve("dev-token-key.txt");
            tokens = DevTokens.loadOrGenerate(keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "console.dev-sign-in.key-file", keyFile.toString(),
                "console.command-url", "http://127.0.0.1:9",
                "console.query-url", "http://127.0.0.1:9",
                "console.notifier-url", "http://127.0.0.1:9");
    }

    @Override
    public void stop() {}
}
