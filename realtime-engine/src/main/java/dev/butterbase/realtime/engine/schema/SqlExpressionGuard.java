package dev.butterbase.realtime.engine.schema;

/**
 * Checks that a policy expression supplied through the control API is one expression that cannot escape the
 * parentheses it is placed in: no statement separator, no comment, balanced parentheses, closed quotes.
 * String literals, quoted identifiers and dollar-quoted bodies may contain anything.
 */
public final class SqlExpressionGuard {

    private SqlExpressionGuard() {}

    /** @return null when acceptable, else a sentence saying what is wrong */
    public static String problem(String sql) {
        int depth = 0;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char ch = sql.charAt(i);
            if (isIdentifierStart(ch) || isDigit(ch)) {
                // a whole word at once, so a quote or $ after it is read as Postgres reads it: name'\' is the type
                // name and a standard string, E'\'' an escape string, a$b$ one identifier, 1$b$ a number and a tag
                int end = wordEnd(sql, i);
                boolean escapeString = end == i + 1 && (ch == 'E' || ch == 'e') && end < n && sql.charAt(end) == '\'';
                i = escapeString ? skipQuoted(sql, end, '\'', true) : end;
                if (i < 0) {
                    return "unterminated string literal";
                }
                continue;
            }
            if (ch == '\'') {
                i = skipQuoted(sql, i, '\'', false);
                if (i < 0) {
                    return "unterminated string literal";
                }
                continue;
            }
            if (ch == '"') {
                i = skipQuoted(sql, i, '"', false);
                if (i < 0) {
                    return "unterminated quoted identifier";
                }
                continue;
            }
            if (ch == '$') {
                int tagEnd = dollarTagEnd(sql, i);
                if (tagEnd > 0) {
                    String tag = sql.substring(i, tagEnd + 1);
                    int close = sql.indexOf(tag, tagEnd + 1);
                    if (close < 0) {
                        return "unterminated dollar-quoted string";
                    }
                    i = close + tag.length();
                    continue;
                }
            }
            if (ch == ';') {
                return "must be a single expression (no ';')";
            }
            if ((ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') || (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*')) {
                return "must not contain SQL comments";
            }
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                if (--depth < 0) {
                    return "has an unbalanced ')'";
                }
            }
            i++;
        }
        return depth == 0 ? null : "has an unbalanced '('";
    }

    /** @return the index after the closing quote, or -1 when it never closes */
    private static int skipQuoted(String sql, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < sql.length()) {
            char ch = sql.charAt(i);
            if (backslashEscapes && ch == '\\') {
                i += 2;
                continue;
            }
            if (ch == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    /** For {@code $tag$} starting at {@code start}, the index of the closing {@code $} of the tag; else -1. */
    private static int dollarTagEnd(String sql, int start) {
        int i = start + 1;
        while (i < sql.length()) {
            char ch = sql.charAt(i);
            if (ch == '$') {
                return i;
            }
            if (!(isIdentifierStart(ch) || (isDigit(ch) && i > start + 1))) {
                return -1;
            }
            i++;
        }
        return -1;
    }

    /**
     * The end of the identifier or number starting at {@code start}. An identifier continues with letters, digits,
     * {@code _}, {@code $} and non-ASCII characters (Postgres's {@code ident_cont}); a number never takes a {@code $}.
     */
    private static int wordEnd(String sql, int start) {
        boolean identifier = !isDigit(sql.charAt(start));
        int i = start + 1;
        while (i < sql.length()) {
            char ch = sql.charAt(i);
            boolean continues = isIdentifierStart(ch) || isDigit(ch) || (identifier ? ch == '$' : ch == '.');
            if (!continues) {
                break;
            }
            i++;
        }
        return i;
    }

    /** Postgres's {@code ident_start}: ASCII letters, {@code _} and every non-ASCII character. */
    private static boolean isIdentifierStart(char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch >= 0x80;
    }

    private static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }
}
