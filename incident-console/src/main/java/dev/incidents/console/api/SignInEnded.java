package dev.incidents.console.api;

/**
 * A service answered 401 to the person's token: it expired (or was revoked) since the console checked it. The person
 * is sent through sign-in again ({@code ErrorPages}), never shown the service's 401.
 */
public class SignInEnded extends RuntimeException {
    public SignInEnded(String service) {
        super(service + " no longer accepts the person's token");
    }
}
