package dev.butterbase.realtime.engine.rls;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Makes the current transaction run as a database role and user, as RLS sees them; reverted at its end. */
final class TransactionIdentity {

    private TransactionIdentity() {}

    /** {@code SET LOCAL ROLE role} and {@code request.jwt.claim.sub = userId} ('' for none). */
    static void actAs(Connection c, String role, String userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT set_config('role', ?, true), set_config('request.jwt.claim.sub', ?, true)")) {
            ps.setString(1, role);
            ps.setString(2, userId == null ? "" : userId);
            ps.execute();
        }
    }
}
