package dev.butterbase.realtime.client.jssdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** The JS client as the build left it: {@code clients/js} after {@code npm ci} and {@code npm run build}. */
final class JsBuild {

    static final Path DIR = NodeScript.JS_DIR;

    private JsBuild() {}

    /** Fails with what to run when the SDK is not built (the reactor builds clients/js before this module). */
    static void requireBuilt() {
        assertThat(Files.isRegularFile(DIR.resolve("dist/index.js")))
                .as(DIR.resolve("dist/index.js") + " (build the JS client first: ./mvnw test, or npm ci && npm run build in "
                        + DIR + ")").isTrue();
        assertThat(Files.isDirectory(DIR.resolve("node_modules/ws")))
                .as(DIR.resolve("node_modules") + " (npm ci in " + DIR + ")").isTrue();
    }
}
