package dev.incidents.query.incident;

import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import java.util.Locale;

/**
 * The renderings of a postmortem and which one an {@code Accept} header asks for (RFC 9110, 12.5.1): the acceptable
 * type with the highest weight; among equals, and for no header, {@code *}{@code /*} or {@code application/*}, JSON.
 * A header that accepts none of them is 406.
 */
enum PostmortemFormat {
    JSON("application/json", ""),
    MARKDOWN("text/markdown", ".md"),
    HTML("text/html", ".html");

    final String mediaType;

    /**
     * Added to the report's content hash for this rendering's ETag: a strong validator names one representation,
     * so the three renderings of one report, which share its hash, need tags of their own. JSON's tag is the hash.
     */
    final String tagSuffix;

    PostmortemFormat(String mediaType, String tagSuffix) {
        this.mediaType = mediaType;
        this.tagSuffix = tagSuffix;
    }

    static PostmortemFormat choose(String accept) {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        PostmortemFormat best = null;
        double bestWeight = 0;
        for (PostmortemFormat f : values()) { // in order of preference: a tie keeps the earlier
            double w = weight(accept, f.mediaType);
            if (w > bestWeight) {
                best = f;
                bestWeight = w;
            }
        }
        if (best == null) {
            throw new ProblemException(Problem.of(
                    406,
                    "Not Acceptable",
                    "the postmortem is available as application/json, text/markdown and text/html"));
        }
        return best;
    }

    /** The weight the header gives this type, from its most specific matching range; 0 when none matches. */
    private static double weight(String accept, String type) {
        int specificity = -1;
        double weight = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.toLowerCase(Locale.ROOT).startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            int s = name.equals(type)
                    ? 2
                    : name.equals(type.substring(0, type.indexOf('/')) + "/*") ? 1 : name.equals("*/*") ? 0 : -1;
            if (s > specificity) {
                specificity = s;
                weight = q;
            }
        }
        return weight;
    }
}
