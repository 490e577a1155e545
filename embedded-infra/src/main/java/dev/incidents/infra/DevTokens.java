package dev.incidents.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Signs development OIDC bearer tokens (RS256 JWTs) with a key pair of its own, for the local run and the tests,
 * where no identity provider runs. The services verify them with {@link #publicKey()} given as
 * {@code quarkus.oidc.public-key}; production points quarkus-oidc at a real provider instead.
 */
public final class DevTokens {

    public static final String ISSUER = "https://incidents.local/dev-issuer";

    /** The audience the services accept by default ({@code quarkus.oidc.token.audience}). */
    public static final String AUDIENCE = "incidents";

    private final KeyPair keys;

    private DevTokens(KeyPair keys) {
        this.keys = keys;
    }

    public static DevTokens generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return new DevTokens(g.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The key pair kept in {@code file} (created 0600 on first use), so that tokens can be minted for a running
     * local system from another process ({@code ./run-local token}).
     */
    public static DevTokens loadOrGenerate(Path file) throws IOException {
        if (Files.exists(file)) {
            OwnerOnlyFiles.restrict(file);
            List<String> lines = Files.readAllLines(file);
            try {
                KeyFactory rsa = KeyFactory.getInstance("RSA");
                return new DevTokens(new KeyPair(
                        rsa.generatePublic(new X509EncodedKeySpec(
                                Base64.getDecoder().decode(lines.get(0).trim()))),
                        rsa.generatePrivate(new PKCS8EncodedKeySpec(
                                Base64.getDecoder().decode(lines.get(1).trim())))));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IOException(
                        "cannot read the development token key " + file + ": delete it to make a new one", e);
            }
        }
        DevTokens tokens = generate();
        OwnerOnlyFiles.write(
                file,
                tokens.publicKey() + "\n"
                        + Base64.getEncoder()
                                .encodeToString(tokens.keys.getPrivate().getEncoded()) + "\n");
        return tokens;
    }

    /** The public key, base64 X.509 (SubjectPublicKeyInfo), as quarkus.oidc.public-key takes it. */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /**
     * A token for {@code subject} in {@code tenant} with the given roles (claim {@code groups}), for the services'
     * audience {@link #AUDIENCE}.
     *
     * @param validFor how long it is valid
     */
    public String token(String subject, String tenant, List<String> roles, Duration validFor) {
        return token(subject, tenant, roles, validFor, AUDIENCE);
    }

    /**
     * A token with a tenant claim only when {@code tenant} is not null, and an audience claim only when
     * {@code audience} is not null: tests use it to show that such tokens are refused.
     */
    public String token(String subject, String tenant, List<String> roles, Duration validFor, String audience) {
        Instant now = Instant.now();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String payload = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + json(subject) + "\",\"preferred_username\":\""
                + json(subject)
                + (audience == null ? "" : "\",\"aud\":\"" + json(audience))
                + (tenant == null ? "" : "\",\"tenant\":\"" + json(tenant))
                + "\",\"groups\":["
                + roles.stream().map(r -> "\"" + json(r) + "\"").collect(Collectors.joining(","))
                + "],\"iat\":" + now.getEpochSecond() + ",\"exp\":"
                + now.plus(validFor).getEpochSecond()
                + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
        String signingInput =
                b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(keys.getPrivate());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
