package dev.butterbase.realtime.server.websocket;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.butterbase.realtime.engine.identity.Identity;
import dev.butterbase.realtime.server.control.App;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Turns a client's token into an {@link Identity}: the app's service key (role service), a JWT signed with
 * the app's HS256 secret, or an RS256/ES256 JWT verified against the app's JWKS URL. {@code sub} is the user
 * id; {@code exp} and {@code nbf} are enforced. Tokens are never logged.
 */
public final class TokenVerifier {

    /** The outcome: an identity (with the token's expiry, if any) or the reason for refusal. */
    public record Result(Identity identity, Instant expiresAt, String rejection) {
        static Result ok(Identity identity, Instant expiresAt) {
            return new Result(identity, expiresAt, null);
        }

        static Result rejected(String reason) {
            return new Result(null, null, reason);
        }

        public boolean accepted() {
            return identity != null;
        }
    }

    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final Clock clock;
    private final Cache<String, JWKSource<SecurityContext>> jwksSources =
            Caffeine.newBuilder().maximumSize(1_000).expireAfterAccess(Duration.ofHours(1)).build();

    public TokenVerifier(Clock clock) {
        this.clock = clock;
    }

    /**
     * Verifies a token. Completes at once unless a JWKS has to be fetched, which runs on {@code blocking}.
     */
    public CompletableFuture<Result> verify(App app, String token, Executor blocking) {
        if (MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), app.serviceKey().getBytes(StandardCharsets.UTF_8))) {
            return CompletableFuture.completedFuture(Result.ok(Identity.SERVICE, null));
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return CompletableFuture.completedFuture(Result.rejected("invalid token"));
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (JWSAlgorithm.HS256.equals(alg)) {
            return CompletableFuture.completedFuture(verifyHs256(app, jwt));
        }
        if (ASYMMETRIC.contains(alg)) {
            if (app.jwksUrl() == null) {
                return CompletableFuture.completedFuture(
                        Result.rejected("invalid token: " + alg + " needs a jwks_url on the app"));
            }
            return CompletableFuture.supplyAsync(() -> verifyWithJwks(app, jwt), blocking);
        }
        return CompletableFuture.completedFuture(Result.rejected("invalid token: unsupported algorithm " + alg));
    }

    private Result verifyHs256(App app, SignedJWT jwt) {
        try {
            if (!jwt.verify(new MACVerifier(app.jwtSecret().getBytes(StandardCharsets.UTF_8)))) {
                return Result.rejected("invalid token: bad signature");
            }
            return checkClaims(jwt.getJWTClaimsSet());
        } catch (JOSEException | ParseException e) {
            return Result.rejected("invalid token");
        }
    }

    private Result verifyWithJwks(App app, SignedJWT jwt) {
        try {
            JWKSource<SecurityContext> source = jwksSources.get(app.jwksUrl(), TokenVerifier::jwkSource);
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ASYMMETRIC, source));
            processor.setJWTClaimsSetVerifier((claims, context) -> { }); // exp/nbf are checked below, with our clock
            return checkClaims(processor.process(jwt, null));
        } catch (BadJOSEException e) {
            return Result.rejected("invalid token: bad signature");
        } catch (JOSEException e) {
            return Result.rejected("invalid token: cannot verify with the app's JWKS");
        } catch (IllegalStateException e) {
            return Result.rejected("invalid token: the app's jwks_url is not usable");
        }
    }

    private static JWKSource<SecurityContext> jwkSource(String url) {
        try {
            return JWKSourceBuilder.create(URI.create(url).toURL()).retrying(true).build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("bad JWKS URL", e);
        }
    }

    /** Checks sub, exp and nbf. */
    Result checkClaims(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp != null && !exp.toInstant().isAfter(now)) {
            return Result.rejected("token expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plusSeconds(5))) {
            return Result.rejected("invalid token: not valid yet");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isEmpty()) {
            return Result.rejected("invalid token: no sub claim");
        }
        return Result.ok(Identity.user(sub), exp == null ? null : exp.toInstant());
    }
}
