package dev.butterbase.realtime.server.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code token}: signs an end-user JWT (HS256) with an app's {@code jwt_secret}, for trying the server out.
 * In production the app's own backend or identity provider issues tokens.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print an HS256 user JWT signed with an app's jwt_secret (for development).")
public final class TokenCommand implements Callable<Integer> {

    @Option(names = "--secret", required = true, description = "The app's jwt_secret (from manage_app create/get).")
    String secret;

    @Option(names = "--sub", required = true, description = "The user id (JWT sub) RLS policies see as current_user_id().")
    String sub;

    @Option(names = "--ttl", defaultValue = "3600", description = "Seconds until the token expires (default: ${DEFAULT-VALUE}).")
    long ttlSeconds;

    @Override
    public Integer call() throws JOSEException {
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            System.err.println("error: --secret must be at least 32 bytes (use the app's jwt_secret)");
            return 2;
        }
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(sub)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(ttlSeconds)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        System.out.println(jwt.serialize());
        return 0;
    }
}
