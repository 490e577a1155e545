package dev.incidents.domain;

import java.util.regex.Pattern;

/**
 * User text (titles, summaries, timeline entries, names, services...) made literal for CommonMark and GitHub
 * Flavored Markdown renderers, wherever the report puts it: in a heading, a paragraph, a list item or a table cell.
 *
 * <ul>
 *   <li>{@code &}, {@code <} and {@code >} become entities: no raw HTML, no {@code <javascript:...>} autolink, no
 *       blockquote, no entity the author did not mean.</li>
 *   <li>Inline syntax is backslash-escaped: emphasis ({@code * _ ~}), code ({@code `}), links and images
 *       ({@code [ ] ( ) !}), table cells ({@code |}), headings ({@code #}) and the backslash itself.</li>
 *   <li>A field cannot start a block: line breaks (and the whitespace around them) fold into one space, and a
 *       leading {@code -}, {@code +} or {@code 12.} is escaped so it is no list item or thematic break.</li>
 * </ul>
 *
 * Bare {@code http(s)://} and {@code www.} addresses stay text in CommonMark; a GFM renderer with extended
 * autolinks may still link those (never another scheme: {@code javascript:} needs the brackets escaped here).
 */
final class MarkdownText {

    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");
    private static final String INLINE = "\\`*_~[]()!#|";
    /** "2023. A year to forget" at the start of a line would be an ordered list item. */
    private static final Pattern LEADING_ORDINAL = Pattern.compile("^\\d{1,9}\\.(?=\\s|$)");

    private MarkdownText() {}

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        String s = LINE_BREAKS.matcher(text.strip()).replaceAll(" ");
        StringBuilder md = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> md.append("&amp;");
                case '<' -> md.append("&lt;");
                case '>' -> md.append("&gt;");
                default -> {
                    if (INLINE.indexOf(c) >= 0 || (i == 0 && (c == '-' || c == '+'))) {
                        md.append('\\');
                    }
                    md.append(c);
                }
            }
        }
        var ordinal = LEADING_ORDINAL.matcher(s);
        if (ordinal.find()) {
            md.insert(ordinal.end() - 1, '\\');
        }
        return md.toString();
    }
}
