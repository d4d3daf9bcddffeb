package dev.butterbase.realtime.server.control;

import java.time.Instant;

/**
 * One tenant: its own database, access mode, plan and credentials. Immutable; updates make a new instance.
 *
 * @param externalDatabaseUrl the app's own database when it was created with {@code database_url};
 *                            {@code null} when its database lives on the server's cluster
 * @param databaseName        the database name on the server's cluster (when {@code externalDatabaseUrl} is null)
 * @param jwksUrl             where RS256/ES256 keys of an external identity provider are fetched, or null
 */
public record App(
        String appId,
        String name,
        AccessMode accessMode,
        Plan plan,
        String jwtSecret,
        String serviceKey,
        String externalDatabaseUrl,
        String databaseName,
        String jwksUrl,
        Instant createdAt,
        Instant updatedAt) {

    public App withSettings(String newName, AccessMode newMode, Plan newPlan, String newJwksUrl, Instant now) {
        return new App(appId, newName, newMode, newPlan, jwtSecret, serviceKey, externalDatabaseUrl, databaseName,
                newJwksUrl, createdAt, now);
    }

    public boolean ownsDatabase() {
        return externalDatabaseUrl == null;
    }

    @Override
    public String toString() {
        return "App[" + appId + "]";
    }
}
