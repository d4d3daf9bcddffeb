package dev.butterbase.realtime.engine.capture;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new, unpooled connection to an app database; the caller closes it. */
@FunctionalInterface
public interface ConnectionFactory {
    Connection open() throws SQLException;
}
