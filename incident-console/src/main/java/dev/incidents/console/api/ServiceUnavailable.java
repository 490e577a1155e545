package dev.incidents.console.api;

/** A service the console reads or writes through did not answer (down, or slower than the call timeout). */
public class ServiceUnavailable extends RuntimeException {
    public ServiceUnavailable(String service, Throwable cause) {
        super(service + " did not answer: " + cause.getMessage(), cause);
    }
}
