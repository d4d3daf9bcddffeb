package dev.butterbase.realtime.server.functions;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a function call: header {@value #HEADER} is {@code sha256=} followed by the lowercase hex
 * HMAC-SHA256 of the exact request body bytes, keyed with the UTF-8 bytes of the function's secret.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Butterbase-Signature";
    public static final String PREFIX = "sha256=";

    private WebhookSignature() {}

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
