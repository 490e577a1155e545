package dev.incidents.command;

import dev.incidents.testsupport.TestAuth;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;

/** Every request of a test carries a responder's token and the integration API key, unless a test says otherwise. */
final class Credentials {

    private Credentials() {}

    static void responderAndIntegration() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + TestAuth.token("responder"))
                .addHeader("X-Api-Key", TestAuth.API_KEY)
                .build();
    }

    static void none() {
        RestAssured.requestSpecification = null;
    }
}
