package dev.incidents.console.subscription;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A subscription's target as a page may show it. A Slack incoming-webhook URL is a credential in its path (whoever
 * holds it posts to the channel): only its host is shown. A webhook is shown without what may carry a credential (the
 * user info and the query); an e-mail address as it is. Whatever cannot be read as a URL is not shown at all.
 */
public final class SafeTarget {

    private SafeTarget() {}

    public static String of(String channel, String target) {
        if (target == null || target.isBlank()) {
            return "";
        }
        if ("email".equals(channel)) {
            return target;
        }
        URI uri;
        try {
            uri = new URI(target.strip());
        } catch (URISyntaxException e) {
            return "(a URL that cannot be shown)";
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return "(a URL that cannot be shown)";
        }
        String origin = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        if (!"webhook".equals(channel)) {
            // Slack, or a channel this console does not know yet: the host only.
            return origin + "/…";
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return origin + path + (uri.getRawQuery() == null ? "" : "?…");
    }
}
