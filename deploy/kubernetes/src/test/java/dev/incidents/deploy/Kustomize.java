package dev.incidents.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders an overlay with {@code kubectl kustomize}, exactly as a user would. A machine without kubectl gets it
 * from Debian's packages when the build runs as root (CI on a clean machine); otherwise the test says what to
 * install.
 */
final class Kustomize {

    private Kustomize() {}

    static String render(Path overlay) throws IOException, InterruptedException {
        String kubectl = kubectl();
        Process p = new ProcessBuilder(kubectl, "kustomize", overlay.toString())
                .redirectErrorStream(false)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + overlay + " failed: " + err);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String kubectl() throws IOException, InterruptedException {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "kubectl"))) {
                return Path.of(dir, "kubectl").toString();
            }
        }
        if ("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            for (List<String> step : List.of(
                    List.of("apt-get", "update", "-qq"), List.of("apt-get", "install", "-y", "-qq", "kubectl"))) {
                new ProcessBuilder(step).inheritIO().start().waitFor(300, TimeUnit.SECONDS);
            }
            if (Files.isExecutable(Path.of("/usr/bin/kubectl"))) {
                return "/usr/bin/kubectl";
            }
        }
        throw new IllegalStateException(
                "kubectl is needed to render the overlays: install Debian's kubectl package (apt-get install kubectl)");
    }
}
