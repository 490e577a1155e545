package dev.incidents.console.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The local run's development token key, read from the file the launcher writes (line 1: the public key, base64
 * X.509; line 2: the private key, base64 PKCS#8; the format of embedded-infra's DevTokens). It signs the tokens of
 * the development sign-in, which the services accept because the local run gives them the same public key, and
 * checks the session cookie that carries one.
 */
public final class DevTokenKey {

    /** The issuer and audience the local run's services expect (DevTokens.ISSUER, quarkus.oidc.token.audience). */
    static final String ISSUER = "https://incidents.local/dev-issuer";

    static final String AUDIENCE = "incidents";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PublicKey publicKey;
    private final PrivateKey privateKey;

    private DevTokenKey(PublicKey publicKey, PrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    public static DevTokenKey read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            return new DevTokenKey(
                    rsa.generatePublic(new X509EncodedKeySpec(
                            Base64.getDecoder().decode(lines.get(0).trim()))),
                    rsa.generatePrivate(new PKCS8EncodedKeySpec(
                            Base64.getDecoder().decode(lines.get(1).trim()))));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("cannot read the development token key " + file, e);
        }
    }

    /** A token for {@code name} in {@code tenant} with one role, valid for {@code validFor}. */
    public String sign(String name, String tenant, String role, Duration validFor) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", name);
        claims.put("preferred_username", name);
        claims.put("aud", AUDIENCE);
        claims.put("tenant", tenant);
        claims.put("groups", List.of(role));
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(validFor).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        try {
            String signingInput = b64(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT"))) + "."
                    + b64(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(privateKey);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(s.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The claims of a token this key signed, for this system's issuer and audience, not expired; null for anything
     * else (a forged, altered, foreign or expired token).
     */
    public JsonNode verify(String token, Instant now) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return null;
            }
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(publicKey);
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return null;
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            boolean fresh = claims.path("exp").asLong(0) > now.getEpochSecond();
            boolean ours = ISSUER.equals(claims.path("iss").asText())
                    && AUDIENCE.equals(claims.path("aud").asText());
            return fresh && ours ? claims : null;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
