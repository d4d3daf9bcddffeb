package dev.butterbase.realtime.server.functions;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.butterbase.realtime.server.NamedThreadFactory;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls functions: a signed JSON POST per call, asynchronous on its own HTTP client and threads, never on an
 * event loop. Every call completes with a {@link FunctionOutcome}, never exceptionally: the function's JSON
 * answer, or an error for a timeout, a non-2xx status, a body that is not JSON (or larger than
 * {@value #MAX_RESPONSE_BYTES} bytes) or an unreachable endpoint. At most {@code maxConcurrentCalls} calls run at
 * once server-wide; beyond that a call fails at once with {@code FUNCTIONS_BUSY}. Safe to call from any thread.
 * Secrets, bodies and URLs are never logged.
 */
public final class FunctionInvoker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FunctionInvoker.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public static final int MAX_RESPONSE_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 512;

    private final ThreadPoolExecutor executor;
    private final HttpClient http;
    private final Semaphore permits;

    public FunctionInvoker(int maxConcurrentCalls) {
        // the client's callbacks, connection setup and DNS lookups run here; sockets are non-blocking
        this.executor = new ThreadPoolExecutor(16, 16, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16 * maxConcurrentCalls),
                new NamedThreadFactory("function-http"), new ThreadPoolExecutor.AbortPolicy());
        this.executor.allowCoreThreadTimeOut(true);
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.permits = new Semaphore(maxConcurrentCalls);
    }

    /** Calls {@code function} with {@code body} (JSON), signed with its secret. */
    public CompletableFuture<FunctionOutcome> invoke(AppFunction function, byte[] body) {
        if (!permits.tryAcquire()) {
            return CompletableFuture.completedFuture(FunctionOutcome.failed(function.name(), "FUNCTIONS_BUSY",
                    "too many function calls in progress on the server; retry shortly"));
        }
        CompletableFuture<HttpResponse<byte[]>> call;
        try {
            HttpRequest request = HttpRequest.newBuilder(function.url())
                    .timeout(Duration.ofMillis(function.timeoutMs()))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "butterbase-realtime")
                    .header("X-Butterbase-Function", function.name())
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(function.secret(), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            call = http.sendAsync(request, info -> new LimitedBodySubscriber(MAX_RESPONSE_BYTES));
        } catch (RuntimeException e) {
            permits.release();
            log.debug("cannot call {}: {}", function, e.toString());
            return CompletableFuture.completedFuture(FunctionOutcome.failed(function.name(), "FUNCTION_UNREACHABLE",
                    "the function could not be called"));
        }
        CompletableFuture<FunctionOutcome> outcome = call
                .handle((response, failure) -> outcome(function, response, failure))
                .completeOnTimeout(timedOut(function), function.timeoutMs(), TimeUnit.MILLISECONDS);
        outcome.whenComplete((o, e) -> {
            call.cancel(true); // aborts the exchange when the timeout won; a no-op when the call is done
            permits.release();
        });
        return outcome;
    }

    private static FunctionOutcome timedOut(AppFunction f) {
        return FunctionOutcome.failed(f.name(), "FUNCTION_TIMEOUT", "the function did not answer within " + f.timeoutMs() + " ms");
    }

    private static FunctionOutcome outcome(AppFunction f, HttpResponse<byte[]> response, Throwable failure) {
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof HttpTimeoutException || cause instanceof CancellationException) {
                return timedOut(f);
            }
            if (cause instanceof LimitedBodySubscriber.TooLargeException) {
                return FunctionOutcome.failed(f.name(), "FUNCTION_INVALID_RESPONSE",
                        "the function's response is larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
            log.debug("call of {} failed: {}", f, cause.toString());
            return FunctionOutcome.failed(f.name(), "FUNCTION_UNREACHABLE", "the function could not be reached ("
                    + (cause instanceof IOException ? cause.getClass().getSimpleName() : "error") + ")");
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            return FunctionOutcome.failed(f.name(), "FUNCTION_ERROR", "the function answered HTTP " + status, status);
        }
        byte[] body = response.body();
        if (body.length == 0) {
            return FunctionOutcome.ok(f.name(), NullNode.getInstance(), status);
        }
        try {
            JsonNode parsed = JSON.readTree(body);
            if (parsed == null || parsed.isMissingNode()) {
                throw new IOException("no JSON value");
            }
            return FunctionOutcome.ok(f.name(), parsed, status);
        } catch (IOException e) {
            return FunctionOutcome.failed(f.name(), "FUNCTION_INVALID_RESPONSE", "the function's response is not JSON", status);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
