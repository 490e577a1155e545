package dev.incidents.infra;

import java.util.function.Supplier;

/** Prints how long a step took, so that every test run reports the start times of the servers. */
final class Timing {

    private Timing() {}

    static <T> T timed(String what, Supplier<T> step) {
        long t0 = System.nanoTime();
        T result = step.get();
        System.out.printf("TIMING %-45s %6d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
        return result;
    }

    static void timed(String what, Runnable step) {
        timed(what, () -> {
            step.run();
            return null;
        });
    }
}
