package dev.butterbase.realtime.server.tools;

import dev.butterbase.realtime.server.control.App;
import dev.butterbase.realtime.server.control.AppService;
import java.sql.Connection;
import java.sql.SQLException;

/** What every app-scoped tool needs: the app named by {@code app_id}, and connections to its database. */
public final class AppAccess {

    /** Work on one connection of an app database. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private final AppService apps;

    public AppAccess(AppService apps) {
        this.apps = apps;
    }

    public AppService apps() {
        return apps;
    }

    public App requireApp(ToolArguments args) {
        String appId = args.requireString("app_id");
        return apps.find(appId).orElseThrow(() -> ToolException.notFound("APP_NOT_FOUND", "no app with id \"" + appId + "\""));
    }

    /** Runs {@code work} on an autocommit connection of the app database. */
    public <T> T withConnection(App app, SqlWork<T> work) {
        try (Connection c = apps.databases().dataSource(app).getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw SqlErrors.toToolException(e);
        }
    }

    /** Runs {@code work} in one transaction of the app database: committed on success, rolled back on any failure. */
    public <T> T inTransaction(App app, SqlWork<T> work) {
        return withConnection(app, c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }
}
