package dev.butterbase.realtime.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin key's resolution by {@code serve}, through picocli, without starting a server: {@code --port -1} makes
 * the configuration fail right after the key is resolved. The environment variable cannot be set from inside the
 * JVM, so these tests run only where {@code BUTTERBASE_ADMIN_KEY} is unset.
 */
@Timeout(30)
class ServeCommandTest {

    @TempDir
    Path dataDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void environmentHasNoAdminKey() {
        assumeTrue(System.getenv(ServeCommand.ADMIN_KEY_ENV) == null, ServeCommand.ADMIN_KEY_ENV + " is set");
    }

    @Test
    void generatesAKeyOnceAndStoresItReadableOnlyByTheOwner() throws IOException {
        int exit = serve("--data-dir", dataDir.toString());

        assertThat(exit).as("the invalid port stops it before a server starts").isNotZero();
        assertThat(err.toString()).contains("port must be between");
        Path file = dataDir.resolve(ServeCommand.ADMIN_KEY_FILE);
        String key = Files.readString(file).trim();
        assertThat(key).startsWith("ak_").hasSizeGreaterThan(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        serve("--data-dir", dataDir.toString());

        assertThat(Files.readString(file).trim()).as("a stored key is reused, not regenerated").isEqualTo(key);
    }

    @Test
    void createsTheDataDirectoryForTheKey() throws IOException {
        Path nested = dataDir.resolve("a/b");

        serve("--data-dir", nested.toString());

        assertThat(Files.readString(nested.resolve(ServeCommand.ADMIN_KEY_FILE))).startsWith("ak_");
    }

    @Test
    void anExistingKeyFileIsNeverOverwritten() throws IOException {
        Path file = dataDir.resolve(ServeCommand.ADMIN_KEY_FILE);
        Files.writeString(file, "my-own-admin-key-0123456789\n");

        serve("--data-dir", dataDir.toString());

        assertThat(Files.readString(file)).isEqualTo("my-own-admin-key-0123456789\n");
    }

    @Test
    void theFlagWinsAndNothingIsStored() {
        serve("--data-dir", dataDir.toString(), "--admin-key", "flag-admin-key-0123456789");

        assertThat(dataDir.resolve(ServeCommand.ADMIN_KEY_FILE)).doesNotExist();
    }

    /** Runs {@code serve} with an invalid port, so it stops after resolving the admin key. */
    private int serve(String... args) {
        CommandLine cli = new CommandLine(new ServeCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--port";
        all[args.length + 1] = "-1";
        return cli.execute(all);
    }
}
