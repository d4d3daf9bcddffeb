package dev.butterbase.realtime.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How JDBC failures become tool errors: permanent refusals apart from an unreachable database. */
@Timeout(10)
class SqlErrorsTest {

    @Test
    void statementErrorKeepsThePostgresMessageAndState() {
        ToolException e = SqlErrors.toToolException(
                new SQLException("ERROR: relation \"nope\" does not exist\n  Position: 15", "42P01"));

        assertThat(e.code()).isEqualTo("SQL_ERROR");
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("relation \"nope\" does not exist (SQLSTATE 42P01)");
    }

    @Test
    void connectionFailuresAreUnavailable() {
        for (String state : new String[] {"08001", "57P01", "53300"}) {
            ToolException e = SqlErrors.toToolException(new SQLException("down", state));
            assertThat(e.code()).as(state).isEqualTo("DATABASE_UNAVAILABLE");
            assertThat(e.httpStatus()).isEqualTo(503);
        }
    }

    @Test
    void poolTimeoutWithoutCauseIsUnavailable() {
        ToolException e = SqlErrors.toToolException(new SQLTransientConnectionException(
                "app-x - Connection is not available, request timed out after 5000ms"));

        assertThat(e.code()).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(e.getMessage()).contains("timed out");
    }

    @Test
    void poolTimeoutCausedByARefusalReportsTheRefusal() {
        SQLException refusal = new SQLException("FATAL: database \"nope\" does not exist", "3D000");
        ToolException e = SqlErrors.toToolException(new SQLTransientConnectionException(
                "provision-x - Connection is not available, request timed out after 5000ms", "3D000", refusal));

        assertThat(e.code()).isEqualTo("SQL_ERROR");
        assertThat(e.getMessage()).contains("database \"nope\" does not exist").doesNotContain("timed out");

        ToolException refused = SqlErrors.toToolException(new SQLTransientConnectionException("pool timeout", "08001",
                new SQLException("Connection to 127.0.0.1:1 refused", "08001")));
        assertThat(refused.code()).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(refused.getMessage()).contains("refused");
    }
}
