package dev.butterbase.realtime.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on the tool API's one error shape, {@code {"error":{"code","message"}}}. */
public final class ToolErrors {

    private ToolErrors() {}

    /** Asserts status and code, and returns the message for further checks. */
    public static String assertError(ToolClient.Response response, int status, String code) {
        assertThat(response.status()).as("HTTP status of %s", response.body()).isEqualTo(status);
        assertThat(response.errorCode()).as("error code of %s", response.body()).isEqualTo(code);
        String message = response.body().path("error").path("message").asText();
        assertThat(message).as("error message").isNotBlank();
        return message;
    }

    /** The server still serves tool calls after whatever the test just sent it. */
    public static void assertServerStillAnswers(ToolClient tools) {
        assertThat(tools.call("manage_app", ToolClient.args("action", "list")).status()).isEqualTo(200);
    }
}
