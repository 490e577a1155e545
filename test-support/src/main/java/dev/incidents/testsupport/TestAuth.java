package dev.incidents.testsupport;

import dev.incidents.infra.DevTokens;
import java.time.Duration;
import java.util.List;

/** Credentials for tests: OIDC bearer tokens signed by a key of this JVM, and an integration API key. */
public final class TestAuth {

    /** Installed as the bootstrap key of the default tenant by {@link KafkaAndPostgresResource}. */
    public static final String API_KEY = "ik_test_0000_integration-key-for-tests";

    private static final DevTokens TOKENS = DevTokens.generate();

    private TestAuth() {}

    public static String publicKey() {
        return TOKENS.publicKey();
    }

    /** A token of the default tenant with the given roles (responder, viewer, admin). */
    public static String token(String... roles) {
        return tokenFor("default", roles);
    }

    public static String tokenFor(String tenant, String... roles) {
        return TOKENS.token("tester", tenant, List.of(roles), Duration.ofHours(1));
    }

    /** A validly signed token without a tenant claim. */
    public static String tokenWithoutTenant(String... roles) {
        return TOKENS.token("tester", null, List.of(roles), Duration.ofHours(1), DevTokens.AUDIENCE);
    }

    /** A validly signed token of the default tenant, issued for another audience (null: no audience claim). */
    public static String tokenForAudience(String audience, String... roles) {
        return TOKENS.token("tester", "default", List.of(roles), Duration.ofHours(1), audience);
    }
}
