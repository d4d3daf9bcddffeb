package dev.butterbase.realtime.server.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the outcomes of an event's functions become one {@code event_result}. */
class EventResultTest {

    @Test
    void allSucceededIsOkWithEachAnswerByName() {
        ObjectNode msg = EventHandler.result(new TextNode("r"), "move", List.of(
                FunctionOutcome.ok("a", IntNode.valueOf(1), 200), FunctionOutcome.ok("b", IntNode.valueOf(2), 200)));

        assertThat(msg.toString())
                .isEqualTo("{\"type\":\"event_result\",\"ref\":\"r\",\"event\":\"move\",\"status\":\"ok\",\"result\":{\"a\":1,\"b\":2}}");
    }

    @Test
    void anyFailureIsAnErrorNamingTheFirstFailingFunctionAndKeepsTheOtherAnswers() {
        ObjectNode msg = EventHandler.result(null, "move", List.of(
                FunctionOutcome.ok("a", IntNode.valueOf(1), 200),
                FunctionOutcome.failed("b", "FUNCTION_ERROR", "the function answered HTTP 502", 502),
                FunctionOutcome.failed("c", "FUNCTION_TIMEOUT", "late")));

        assertThat(msg.get("status").asText()).isEqualTo("error");
        assertThat(msg.has("ref")).isFalse();
        assertThat(msg.get("result").toString()).isEqualTo("{\"a\":1}");
        assertThat(msg.get("error").toString()).isEqualTo(
                "{\"code\":\"FUNCTION_ERROR\",\"message\":\"the function answered HTTP 502\",\"function\":\"b\",\"http_status\":502}");
    }

    @Test
    void aRefusalHasNoResult() {
        ObjectNode msg = EventHandler.failure(IntNode.valueOf(7), "x", "RATE_LIMITED", "slow down");

        assertThat(msg.toString()).isEqualTo("{\"type\":\"event_result\",\"ref\":7,\"event\":\"x\",\"status\":\"error\","
                + "\"error\":{\"code\":\"RATE_LIMITED\",\"message\":\"slow down\"}}");
    }
}
