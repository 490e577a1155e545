package dev.incidents.console.prefs;

/** Where to send a person back to: a path of this console only, never another site (an open redirect). */
public final class LocalPath {

    private LocalPath() {}

    public static String orHome(String path) {
        boolean local = path != null
                && path.startsWith("/")
                && !path.startsWith("//")
                && !path.startsWith("/\\")
                && path.length() <= 2000
                && path.chars().noneMatch(c -> c < 0x20 || c == '\\');
        return local ? path : "/";
    }
}
