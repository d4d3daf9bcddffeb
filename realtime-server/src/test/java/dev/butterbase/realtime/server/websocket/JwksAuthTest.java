package dev.butterbase.realtime.server.websocket;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.WsClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RS256 and ES256 tokens of an external identity provider, verified against the app's JWKS URL. */
@Timeout(60)
class JwksAuthTest {

    private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, String sub) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(),
                new JWTClaimsSet.Builder().subject(sub).expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Test
    void tokensSignedByTheAppsIdentityProviderAreAcceptedAndOthersRefused() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, other key
        byte[] jwks = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        idp.start();
        try {
            TestApp app = TestApp.create("authenticated");
            String url = "http://127.0.0.1:" + idp.getAddress().getPort() + "/.well-known/jwks.json";
            app.tools().ok("manage_app", args("action", "update", "app_id", app.appId, "jwks_url", url));

            try (WsClient viaRsa = app.client(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", "rsa-user"));
                    WsClient viaEc = app.client(sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", "ec-user"))) {
                assertThat(viaRsa.awaitType("connected").get("role").asText()).isEqualTo("butterbase_user");
                assertThat(viaEc.awaitType("connected").get("role").asText()).isEqualTo("butterbase_user");
            }
            WsClient forged = app.client(sign(new RSASSASigner(stranger), JWSAlgorithm.RS256, "rsa-1", "intruder"));
            assertThat(forged.awaitClose()).isEqualTo(1008);
            assertThat(forged.closeReason()).startsWith("invalid token");

            app.tools().ok("manage_app", args("action", "update", "app_id", app.appId, "jwks_url", ""));
            WsClient withoutJwks = app.client(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", "rsa-user"));
            assertThat(withoutJwks.awaitClose()).isEqualTo(1008);
            assertThat(withoutJwks.closeReason()).contains("jwks_url");
        } finally {
            idp.stop(0);
        }
    }
}
