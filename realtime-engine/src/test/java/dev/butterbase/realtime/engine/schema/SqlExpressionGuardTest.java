package dev.butterbase.realtime.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SqlExpressionGuard}: one expression in, nothing that escapes its parentheses. */
@Timeout(10)
class SqlExpressionGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "true",
        "user_id = current_user_id()",
        "\"user_id\"::text = public.current_user_id()",
        "room_id IN (SELECT m.room_id FROM members m WHERE m.user_id = current_user_id())",
        "body = ';'",
        "body = 'it''s -- not a comment; nor /* this */'",
        "body = E'\\'; DROP TABLE t; --'",
        "body = e'\\\\'",
        "body = $$ ) ; -- $$",
        "body = $tag$ $$ ; ( $tag$",
        "body = $é$ ; $é$",
        "body = U&'\\0041'",
        "\"we\"\"ird; name\" = 'x'",
        "a$b = 1",
        "name = 'e'",
        "x = $1",
        "score > 1.5e3",
        "(a) AND ((b) OR (c))",
        "",
    })
    void acceptsSingleExpressions(String expression) {
        assertThat(SqlExpressionGuard.problem(expression)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "true); DROP TABLE t; --                    | unbalanced ')'",
        "1;2                                        | no ';'",
        "1 = 1; DROP TABLE t                        | no ';'",
        "true /* x */                               | comments",
        "true -- x                                  | comments",
        "true) OR (true                             | unbalanced ')'",
        "(true                                      | unbalanced '('",
        "true)                                      | unbalanced ')'",
        "a = 'open                                  | unterminated string literal",
        "a = E'open\\'                              | unterminated string literal",
        "\"open = 1                                 | unterminated quoted identifier",
        "a = $$open                                 | unterminated dollar-quoted string",
        "a = $x$open$y$                             | unterminated dollar-quoted string",
    })
    void refuses(String expression, String problem) {
        assertThat(SqlExpressionGuard.problem(expression)).contains(problem);
    }

    /**
     * Quotes and dollar signs right after a word: the guard must read them as Postgres does, else a string it
     * thinks it skipped hides a statement Postgres runs.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        // the type literal name'\' is a one-character standard string, not an escape string starting at e'
        "name'\\' IS NOT NULL) ; DROP TABLE t ; --'",
        "date'\\'); DROP TABLE t; --'",
        // $€$ is a dollar-quote tag for Postgres (any non-ASCII character may be in a tag)
        "$€$ ' $€$ IS NOT NULL) ; DROP TABLE t ; --'",
        "$tag€$ ' $tag€$ IS NOT NULL) ; DROP TABLE t ; --'",
        // x$$y$ is one identifier for Postgres: no tag starts inside it
        "x$$y$ IS NULL) ; DROP TABLE t ; --$y$",
        "é$x$ IS NULL) ; DROP TABLE t ; --$x$",
        "€$x$ IS NULL) ; DROP TABLE t ; --$x$",
    })
    void readsWordBoundariesAsPostgresDoes(String expression) {
        assertThat(SqlExpressionGuard.problem(expression)).isNotNull();
    }
}
