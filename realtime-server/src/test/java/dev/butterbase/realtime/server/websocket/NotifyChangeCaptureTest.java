package dev.butterbase.realtime.server.websocket;

import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.testing.SharedServer;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The capture contract on the LISTEN/NOTIFY reader, on a server of its own told to use it. */
@Timeout(180)
class NotifyChangeCaptureTest extends ChangeCaptureContract {

    private static RealtimeServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RealtimeServer.start(SharedServer.config(Files.createTempDirectory("butterbase-notify-"))
                .changeReader(ChangeReader.Kind.NOTIFY).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    RealtimeServer server() {
        return server;
    }

    @Override
    ChangeReader.Kind expectedReader() {
        return ChangeReader.Kind.NOTIFY;
    }
}
