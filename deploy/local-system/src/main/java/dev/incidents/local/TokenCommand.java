package dev.incidents.local;

import dev.incidents.infra.DevTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./run-local token [--tenant T] [--role R]... [--name N] [--days D]}: prints a development bearer token
 * for any tenant and roles, signed by the key of the local run in the data folder (so the running services
 * accept it). Defaults: tenant {@code default}, role {@code responder}, valid 7 days.
 */
public final class TokenCommand {

    public static void main(String[] args) throws Exception {
        String tenant = "default";
        String name = "developer";
        long days = 7;
        List<String> roles = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--tenant" -> tenant = required(args[i], value);
                case "--role" -> roles.add(required(args[i], value));
                case "--name" -> name = required(args[i], value);
                case "--days" -> days = Long.parseLong(required(args[i], value));
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        if (roles.isEmpty()) {
            roles.add("responder");
        }
        Path dataDir = Path.of(System.getenv()
                .getOrDefault(
                        "INCIDENTS_DATA_DIR",
                        Path.of(System.getProperty("incidents.project-root", "."))
                                .resolve(".local-data")
                                .toString()));
        Path keyFile = dataDir.resolve(LocalSystem.TOKEN_KEY_FILE);
        if (!Files.exists(keyFile)) {
            usage("no local run has made its key yet (" + keyFile + "): start ./run-local first");
        }
        System.out.println(DevTokens.loadOrGenerate(keyFile).token(name, tenant, roles, Duration.ofDays(days)));
    }

    private static String required(String flag, String value) {
        if (value == null || value.startsWith("--")) {
            usage(flag + " needs a value");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println(
                "usage: ./run-local token [--tenant T] [--role viewer|responder|admin]... [--name N] [--days D]");
        System.exit(2);
    }
}
