package dev.butterbase.realtime.server.websocket;

import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.testing.SharedServer;
import org.junit.jupiter.api.Timeout;

/** The capture contract on the WAL reader (the embedded default runs with wal_level=logical). */
@Timeout(180)
class WalChangeCaptureTest extends ChangeCaptureContract {

    @Override
    RealtimeServer server() {
        return SharedServer.get();
    }

    @Override
    ChangeReader.Kind expectedReader() {
        return ChangeReader.Kind.WAL;
    }
}
