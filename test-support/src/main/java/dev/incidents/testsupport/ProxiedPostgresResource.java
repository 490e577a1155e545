package dev.incidents.testsupport;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Like {@link KafkaAndPostgresResource}, but the service reaches PostgreSQL through a {@link TcpProxy} that the
 * test can cut and restore: the database "goes away" for this service only, while the one server every test of
 * the JVM shares keeps running. The proxy is injected into the test's field of type {@link TcpProxy}.
 */
public class ProxiedPostgresResource extends KafkaAndPostgresResource {

    private TcpProxy proxy;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String url = config.get("quarkus.datasource.jdbc.url");
        URI direct = URI.create(url.substring("jdbc:".length()));
        proxy = new TcpProxy(direct.getHost(), direct.getPort());
        config.put(
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://" + "127.0.0.1:" + proxy.port() + direct.getRawPath()
                        + (direct.getRawQuery() == null ? "" : "?" + direct.getRawQuery()));
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(proxy, new TestInjector.MatchesType(TcpProxy.class));
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }
}
