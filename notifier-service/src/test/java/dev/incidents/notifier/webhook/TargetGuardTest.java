package dev.incidents.notifier.webhook;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1:8089/hook", "http://localhost/hook", "http://[::1]/hook", "http://10.0.0.7/hook", "http://172.16.4.2/hook",
        "http://192.168.1.10/hook", "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/hook", "http://0.0.0.0/hook",
        "http://100.64.0.1/hook", "ftp://93.184.216.34/hook", "file:///etc/passwd", "not a url"})
    void internalOrNonHttpTargets_areRefused(String url) {
        assertNotNull(TargetGuard.refusal(url, false), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.216.34/hooks/incidents", "http://8.8.8.8:8080/x", "https://[2606:4700:4700::1111]/hook"})
    void publicTargets_areAllowed(String url) {
        assertNull(TargetGuard.refusal(url, false), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8089/hook", "http://192.168.1.10/hook"})
    void privateTargets_areAllowed_whenConfigured(String url) {
        assertNull(TargetGuard.refusal(url, true), url);
    }
}
