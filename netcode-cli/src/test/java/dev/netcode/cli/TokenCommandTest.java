package dev.netcode.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.Aead;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenPrivate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link TokenCommand}: the file it writes is a connect token with the fields asked for,
 * in the public part and in the sealed private part, sealed with the key from whichever source gave
 * it, and readable by its owner only.
 */
class TokenCommandTest {

    @TempDir
    Path dir;

    private final byte[] key = SecureRandomBytes.key();

    @Test
    void writesA2048ByteTokenWithPublicAndInternalAddresses() throws Exception {
        Path file = dir.resolve("a.token");
        long before = System.currentTimeMillis() / 1000;
        CliRun run = CliRun.of("token", "--key", Bytes.toHex(key), "--protocol", "0x1122334455667788", "--client-id",
                "0xFFFFFFFFFFFFFFFE", "--server", "127.0.0.1:40000", "--server", "[::1]:40001", "--internal",
                "10.0.0.1:5000", "--internal", "[fd00::1]:5001", "--expire", "45", "--timeout", "7", "--user-data",
                "0xdeadbeef", "--out", file.toString());

        assertThat(run.exitCode()).as(run.errText()).isZero();
        assertThat(run.outText()).startsWith("token out=" + file).contains("bytes=2048",
                "client_id=18446744073709551614");
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).hasSize(NetcodeProtocol.CONNECT_TOKEN_BYTES);

        ConnectToken token = ConnectToken.read(bytes);
        assertThat(token.protocolId()).isEqualTo(0x1122334455667788L);
        assertThat(token.serverAddresses()).containsExactly(NetcodeAddress.parse("127.0.0.1:40000"),
                NetcodeAddress.parse("[::1]:40001"));
        assertThat(token.timeoutSeconds()).isEqualTo(7);
        assertThat(token.createTimestamp()).isBetween(before, before + 5);
        assertThat(token.expireTimestamp() - token.createTimestamp()).isEqualTo(45);

        ConnectTokenPrivate privateToken = open(token);
        assertThat(privateToken.clientId()).isEqualTo(0xFFFFFFFFFFFFFFFEL);
        assertThat(privateToken.timeoutSeconds()).isEqualTo(7);
        assertThat(privateToken.serverAddresses()).containsExactly(NetcodeAddress.parse("10.0.0.1:5000"),
                NetcodeAddress.parse("[fd00::1]:5001"));
        assertThat(privateToken.clientToServerKey()).isEqualTo(token.clientToServerKey());
        assertThat(privateToken.serverToClientKey()).isEqualTo(token.serverToClientKey());
        byte[] userData = new byte[NetcodeProtocol.USER_DATA_BYTES];
        System.arraycopy(Bytes.fromHex("deadbeef"), 0, userData, 0, 4);
        assertThat(privateToken.userData()).isEqualTo(userData);
    }

    @Test
    void internalAddressesDefaultToThePublicOnes() throws Exception {
        Path file = dir.resolve("b.token");
        CliRun run = CliRun.of("token", "--key", Bytes.toHex(key), "--protocol", "abc", "--client-id", "42",
                "--server", "127.0.0.1:40000", "--expire", "-1", "--timeout", "-1", "--out", file.toString());

        assertThat(run.exitCode()).as(run.errText()).isZero();
        ConnectToken token = ConnectToken.read(Files.readAllBytes(file));
        assertThat(token.protocolId()).isEqualTo(0xabcL);
        assertThat(token.expireTimestamp()).isEqualTo(-1L);
        assertThat(token.timeoutSeconds()).isEqualTo(-1);
        ConnectTokenPrivate privateToken = open(token);
        assertThat(privateToken.clientId()).isEqualTo(42);
        assertThat(privateToken.serverAddresses()).isEqualTo(List.of(NetcodeAddress.parse("127.0.0.1:40000")));
        assertThat(privateToken.userData()).containsOnly(0);
    }

    @Test
    void readsTheKeyFromAKeyFile() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("netcode.key"), Bytes.toHex(key) + "\n");
        Path file = dir.resolve("from-file.token");
        CliRun run = CliRun.of(tokenArgs(file, "--key-file", keyFile.toString()));

        assertThat(run.exitCode()).as(run.errText()).isZero();
        open(ConnectToken.read(Files.readAllBytes(file)));
    }

    @Test
    void readsTheKeyFromTheEnvironmentWhenNoFlagGivesIt() throws Exception {
        Path file = dir.resolve("from-environment.token");
        CliRun run = CliRun.withEnvironment(Map.of("NETCODE_PRIVATE_KEY", Bytes.toHex(key)), tokenArgs(file));

        assertThat(run.exitCode()).as(run.errText()).isZero();
        open(ConnectToken.read(Files.readAllBytes(file)));
    }

    @Test
    void aKeyFlagWinsOverTheEnvironment() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("netcode.key"), Bytes.toHex(key));
        Path file = dir.resolve("flag-wins.token");
        CliRun run = CliRun.withEnvironment(Map.of("NETCODE_PRIVATE_KEY", Bytes.toHex(SecureRandomBytes.key())),
                tokenArgs(file, "--key-file", keyFile.toString()));

        assertThat(run.exitCode()).as(run.errText()).isZero();
        open(ConnectToken.read(Files.readAllBytes(file)));
    }

    @Test
    void theTokenFileIsCreatedReadableByItsOwnerOnly() throws Exception {
        assumePosix();
        Path file = dir.resolve("fresh.token");
        CliRun run = CliRun.of(tokenArgs(file, "--key", Bytes.toHex(key)));

        assertThat(run.exitCode()).as(run.errText()).isZero();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(run.errText()).isEmpty();
    }

    @Test
    void anExistingWorldReadableTokenFileIsReplacedByAnOwnerOnlyOne() throws Exception {
        assumePosix();
        Path file = Files.writeString(dir.resolve("old.token"), "an older token");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        CliRun run = CliRun.of(tokenArgs(file, "--key", Bytes.toHex(key)));

        assertThat(run.exitCode()).as(run.errText()).isZero();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        open(ConnectToken.read(Files.readAllBytes(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void anUnwritableFileIsARuntimeFailure() {
        CliRun run = CliRun.of("token", "--key", Bytes.toHex(key), "--protocol", "1", "--client-id", "1", "--server",
                "127.0.0.1:40000", "--expire", "60", "--timeout", "5", "--out",
                dir.resolve("no/such/dir/c.token").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errText()).contains("cannot write");
    }

    /** Valid token arguments writing {@code file}, with the key given by {@code keyFlags} (none: the environment). */
    private static String[] tokenArgs(Path file, String... keyFlags) {
        List<String> args = new ArrayList<>(List.of("token"));
        args.addAll(List.of(keyFlags));
        args.addAll(List.of("--protocol", "0x1122334455667788", "--client-id", "9", "--server", "127.0.0.1:40000",
                "--expire", "60", "--timeout", "5", "--out", file.toString()));
        return args.toArray(String[]::new);
    }

    private void assumePosix() {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file permissions");
    }

    /** Opens the private part with {@link #key}: the token was sealed with it. */
    private ConnectTokenPrivate open(ConnectToken token) {
        byte[] sealed = token.sealedPrivate();
        try (Aead aead = new Aead()) {
            assertThat(ConnectTokenPrivate.decrypt(aead, sealed, 0, token.protocolId(), token.expireTimestamp(),
                    token.nonce(), key)).isTrue();
        }
        ConnectTokenPrivate privateToken = ConnectTokenPrivate.read(sealed, 0);
        assertThat(privateToken).isNotNull();
        return privateToken;
    }
}
