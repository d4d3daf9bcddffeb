package dev.butterbase.realtime.server.tools;

import java.sql.SQLException;

/** Maps JDBC failures to tool errors: unreachable databases apart from statements Postgres refused. */
final class SqlErrors {

    private SqlErrors() {}

    static ToolException toToolException(SQLException e) {
        // HikariCP reports a refused connection as a timeout caused by the refusal: the refusal is what to show
        SQLException reason = e.getCause() instanceof SQLException cause ? cause : e;
        String state = reason.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"))) {
            return new ToolException("DATABASE_UNAVAILABLE", 503,
                    "the app database is unavailable: " + firstLine(reason.getMessage()), e);
        }
        if (state == null && e.getMessage() != null && e.getMessage().contains("Connection is not available")) {
            return new ToolException("DATABASE_UNAVAILABLE", 503, "the app database is unavailable: timed out", e);
        }
        String message = firstLine(reason.getMessage());
        return new ToolException("SQL_ERROR", 400,
                state == null ? message : message + " (SQLSTATE " + state + ")", e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String m = message.startsWith("ERROR: ") ? message.substring(7) : message;
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
