package dev.incidents.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Small helpers the embedded servers share: free ports and temporary folders. */
final class InfraFiles {

    private InfraFiles() {}

    /**
     * A port free on 127.0.0.1 right now. Another process may take it before the server binds it; the window is
     * short and a clash fails the start loudly rather than silently.
     */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Deletes a folder and everything in it; what cannot be deleted is left behind rather than failing a close. */
    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing for
        }
    }
}
