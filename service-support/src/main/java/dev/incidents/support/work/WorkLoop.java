package dev.incidents.support.work;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A background worker that takes work from a table: it runs a step again at once while the step finds work, waits
 * for {@link #wakeUp()} or the idle interval when it finds none, and backs off (200 ms doubling to 10 s) after a
 * failure. The outbox relay and the notifier's sender are both one of these.
 */
public final class WorkLoop {

    /** One round of work; true when it found some (so the next round should not wait). */
    public interface Step {
        boolean run() throws Exception;
    }

    private static final long FIRST_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    private final String name;
    private final Duration idle;
    private final Step step;
    private final Logger log;
    private final Semaphore work = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    public WorkLoop(String name, Duration idle, Logger log, Step step) {
        this.name = name;
        this.idle = idle;
        this.log = log;
        this.step = step;
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops taking new rounds and waits (up to 5 s) for the current one. */
    public void stop() throws InterruptedException {
        running = false;
        wakeUp();
        Thread t = thread;
        if (t != null) {
            t.join(5_000);
        }
    }

    /** Ends the idle wait, e.g. after a write committed, so the work does not wait for the next poll. */
    public void wakeUp() {
        if (work.availablePermits() == 0) {
            work.release();
        }
    }

    private void loop() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (running) {
            try {
                boolean found = step.run();
                backoff = FIRST_BACKOFF_MILLIS;
                if (!found) {
                    work.tryAcquire(idle.toMillis(), TimeUnit.MILLISECONDS);
                    work.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                log.warnf("%s failed, retrying in %d ms: %s", name, backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }
}
