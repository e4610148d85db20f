package dev.netcode.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.packet.PacketCodec;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.token.ConnectTokenPrivate;
import dev.netcode.token.InvalidConnectTokenException;
import dev.netcode.transport.SimulatedNetwork;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

/**
 * Keys never leak: the private key and the session keys appear in no {@code toString()} of the
 * core objects that hold them, no exception message, and no log line even at TRACE. The starter's
 * side (actuator endpoints, health, Spring logs, {@code NetcodePrivateKey}, {@code IssuedConnectToken})
 * is covered in netcode-spring-boot-autoconfigure: {@code NetcodeStarterEndToEndTests},
 * {@code NetcodeEndpointTests}, {@code NetcodeAutoConfigurationTests}.
 *
 * <p>A key counts as leaked in any of these forms: hex (either case), base64 (standard, unpadded,
 * URL-safe), {@link Arrays#toString(byte[])}, or any 8 consecutive bytes of it in hex.
 */
class SecretsHygieneTest {

    private static final long PROTOCOL_ID = 0x53656372L;
    private static final NetcodeAddress LOCALHOST = NetcodeAddress.parse("127.0.0.1:0");

    @Test
    void toStringOfEveryObjectHoldingKeysShowsNoKey() throws Exception {
        byte[] key = SecureRandomBytes.key();
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).build();
        NetcodeServer server = NetcodeServer.start(config, LOCALHOST, 4);
        ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID);
        ConnectToken token = tokens.generate(7, List.of(server.localAddress()), 30, 5, new byte[] { 1, 2, 3 });
        List<byte[]> secrets = List.of(key, token.clientToServerKey(), token.serverToClientKey());
        List<Object> objects = new ArrayList<>();
        try (NetcodeClient client = NetcodeClient.start(LOCALHOST, new dev.netcode.client.ClientEventHandler() {
        })) {
            client.connect(token.toBytes());
            assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                    .isEqualTo(ClientState.CONNECTED);
            ClientSlot slot = server.call(m -> m.slot(0)).get(5, TimeUnit.SECONDS);
            ConnectTokenPrivate privateToken = new ConnectTokenPrivate(7, 5, List.of(server.localAddress()),
                    token.clientToServerKey(), token.serverToClientKey(), null);
            objects.addAll(List.of(config, token, privateToken, tokens, server, server.stateMachine(), slot,
                    server.snapshot(), server.statistics(), server.statistics().drops(), client, client.client(),
                    client.client().dropCounters(), ConnectToken.read(token.toBytes())));
            try (UdpTransport transport = UdpTransport.bind(LOCALHOST); PacketCodec codec = new PacketCodec(PROTOCOL_ID)) {
                objects.add(transport);
                objects.add(codec);
            }
            ServerStateMachine simulated = new ServerStateMachine(config, new SimulatedNetwork().endpoint(
                    NetcodeAddress.parse("10.0.0.1:40000")), 0);
            objects.add(simulated);
            ClientStateMachine idle = new ClientStateMachine(new SimulatedNetwork().endpoint(), 0);
            idle.connect(token);
            objects.add(idle);
            for (Object object : objects) {
                assertNoSecret(String.valueOf(object), secrets, object.getClass().getName());
            }
        }
        finally {
            server.stop();
        }
    }

    @Test
    void exceptionMessagesShowNoKey() {
        byte[] key = SecureRandomBytes.key();
        byte[] shortKey = Arrays.copyOf(key, 31);
        byte[] longKey = Arrays.copyOf(key, 33);
        ConnectToken token = new ConnectTokenGenerator(key, PROTOCOL_ID).generate(1,
                List.of(NetcodeAddress.parse("127.0.0.1:40000")), 30, 5, null);
        List<byte[]> secrets = List.of(key, token.clientToServerKey(), token.serverToClientKey());
        byte[] tampered = token.toBytes();
        tampered[ConnectToken.ADDRESSES_OFFSET] = 9; // no such address type
        byte[] truncated = Arrays.copyOf(token.toBytes(), 2047);
        List<Throwable> thrown = List.of(
                catchThrowable(() -> ServerConfig.builder(PROTOCOL_ID, shortKey)),
                catchThrowable(() -> ServerConfig.builder(PROTOCOL_ID, longKey)),
                catchThrowable(() -> new ConnectTokenGenerator(shortKey, PROTOCOL_ID)),
                catchThrowable(() -> new ConnectTokenPrivate(1, 5, List.of(NetcodeAddress.parse("127.0.0.1:1")),
                        shortKey, longKey, null)),
                catchThrowable(() -> ConnectToken.read(tampered)),
                catchThrowable(() -> ConnectToken.read(truncated)));
        for (Throwable throwable : thrown) {
            assertThat(throwable).isNotNull();
            assertNoSecret(stackTrace(throwable), secrets, throwable.toString());
        }
        assertThat(thrown.get(4)).isInstanceOf(InvalidConnectTokenException.class);
    }

    @Test
    void aFullSessionLoggedAtTraceLevelShowsNoKey(@TempDir Path dir) throws Exception {
        Path secretsFile = dir.resolve("secrets.txt");
        Path log = dir.resolve("session.log");
        Process process = Reliability.launch(LoggedSession.class,
                List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"), List.of(secretsFile.toString()), log);
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(exited).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).as("DEBUG logging was on and the session ran")
                .contains("DEBUG dev.netcode.server.ServerStateMachine - sent challenge to")
                .contains("client state SENDING_CONNECTION_RESPONSE -> CONNECTED")
                .contains("server event handler onPayload threw").contains("invalid connect token")
                .contains("disconnected (SERVER_DISCONNECT)").contains("DONE");
        List<byte[]> secrets = new ArrayList<>();
        for (String line : Files.readAllLines(secretsFile)) {
            secrets.add(Bytes.fromHex(line));
        }
        assertThat(secrets).hasSizeGreaterThan(8);
        assertNoSecret(output, secrets, "the TRACE log of a full session");
    }

    @Test
    void theDetectorRecognisesEveryForm() {
        byte[] key = SecureRandomBytes.key();
        List<String> leaks = List.of(Bytes.toHex(key).toUpperCase(Locale.ROOT), "k=" + Bytes.toHex(key).substring(20, 36),
                Base64.getEncoder().encodeToString(key), Base64.getUrlEncoder().withoutPadding().encodeToString(key),
                Arrays.toString(key));
        for (String leak : leaks) {
            assertThat(catchThrowable(() -> assertNoSecret(leak, List.of(key), "leak"))).as(leak)
                    .isInstanceOf(AssertionError.class);
        }
        assertNoSecret(Bytes.toHex(key).substring(0, 14), List.of(key), "7 bytes are not a leak");
    }

    static void assertNoSecret(String text, List<byte[]> secrets, String what) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (byte[] secret : secrets) {
            List<String> forms = new ArrayList<>();
            forms.add(Base64.getEncoder().encodeToString(secret));
            forms.add(Base64.getEncoder().withoutPadding().encodeToString(secret));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            forms.add(Arrays.toString(Arrays.copyOf(secret, 8)).replace("]", ""));
            for (String form : forms) {
                if (text.contains(form)) {
                    fail(what + " contains a key (" + form.length() + "-character form)");
                }
            }
            String hex = Bytes.toHex(secret).toLowerCase(Locale.ROOT);
            for (int i = 0; i + 16 <= hex.length(); i += 2) {
                if (lower.contains(hex.substring(i, i + 16))) {
                    fail(what + " contains 8 bytes of a key in hex, at key offset " + i / 2);
                }
            }
        }
    }

    private static String stackTrace(Throwable throwable) {
        java.io.StringWriter out = new java.io.StringWriter();
        throwable.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
