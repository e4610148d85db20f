package dev.netcode.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.transport.NativeUdpTransport;
import dev.netcode.transport.UdpTransport;
import dev.netcode.transport.epoll.EpollTransport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code server}, {@code token} and {@code client} commands against each other, in-process,
 * over UDP on 127.0.0.1.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EndToEndTest {

    @TempDir
    Path dir;

    @Test
    void clientConnectsSendsPayloadsAndGetsEveryEchoBack() throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(4, 30)) {
            Path token = mintToken(server, 42, server.address);

            // --payload-bytes left at its default.
            CliRun client = CliRun.of("client", "--token", token.toString(), "--payloads", "20", "--seconds", "10",
                    "--hold", "1");

            assertThat(client.exitCode()).as(client.errText()).isZero();
            assertThat(client.outLines()).containsExactly(
                    "state disconnected -> sending_connection_request",
                    "state sending_connection_request -> sending_connection_response",
                    "state sending_connection_response -> connected",
                    "state connected -> disconnected",
                    "summary state=connected sent=20 echoed=20");

            server.out.await(line -> line.startsWith("disconnect "), Duration.ofSeconds(5));
            assertThat(server.stop()).isZero();
            // Datagrams the client sends after its disconnect may show in 'drops' lines; the others are these.
            List<String> lines = server.out.lines().stream().filter(line -> !line.startsWith("drops ")).toList();
            assertThat(lines).hasSize(4);
            assertThat(server.out.lines().get(server.out.lines().size() - 2)).startsWith("drops total=");
            assertThat(server.out.lines().get(0))
                    .matches("listening addr=127\\.0\\.0\\.1:\\d+ rcvbuf=\\d+ sndbuf=\\d+ transport=(native|epoll|nio)");
            // The CLI carries netcode-transport-epoll too, but auto prefers core's native transport where it loaded.
            assertThat(EchoServerProcess.field(server.out.lines().get(0), "transport"))
                    .isEqualTo(NativeUdpTransport.isAvailable() ? "native" : EpollTransport.isAvailable() ? "epoll" : "nio");
            try (UdpTransport probe = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"))) {
                // What the OS grants the server's default request, as the probe's own socket shows.
                assertThat(EchoServerProcess.field(server.out.lines().get(0), "rcvbuf"))
                        .isEqualTo(Integer.toString(probe.receiveBufferBytes()));
                assertThat(EchoServerProcess.field(server.out.lines().get(0), "sndbuf"))
                        .isEqualTo(Integer.toString(probe.sendBufferBytes()));
            }
            assertThat(lines.get(1)).matches("connect index=0 id=42 addr=127\\.0\\.0\\.1:\\d+");
            assertThat(lines.subList(2, 4)).containsExactly(
                    "disconnect index=0 id=42 reason=client_disconnect",
                    "summary connected=1 payloads_in=20 payloads_out=20");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "250", "10000" })
    void transportNioPinsTheJdkTransportAndItEchoesWhateverItsReceiveCoalescing(String micros) throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(4, 30, "--transport", "nio", "--receive-coalescing",
                micros)) {
            assertThat(EchoServerProcess.field(server.out.lines().get(0), "transport")).isEqualTo("nio");
            Path token = mintToken(server, 7, server.address);
            CliRun client = CliRun.of("client", "--token", token.toString(), "--payloads", "5", "--payload-bytes", "8",
                    "--seconds", "10");
            assertThat(client.exitCode()).as(client.errText()).isZero();
            assertThat(client.outLines()).contains("summary state=connected sent=5 echoed=5");
        }
    }

    @Test
    void stoppingTheServerDisconnectsAHeldClient() throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(4, 30)) {
            Path token = mintToken(server, 0xFFFFFFFFFFFFFFFFL, server.address);
            CompletableFuture<CliRun> client = CompletableFuture.supplyAsync(() -> CliRun.of("client", "--token",
                    token.toString(), "--payloads", "3", "--payload-bytes", "4", "--seconds", "10", "--hold", "20"));
            server.out.await(line -> line.startsWith("connect "), Duration.ofSeconds(10));
            Thread.sleep(500); // the three payloads, 10 ms apart, and their echoes

            assertThat(server.stop()).isZero();
            CliRun run = client.get(10, TimeUnit.SECONDS);

            assertThat(server.out.lines()).contains("disconnect index=0 id=18446744073709551615 reason=server_disconnect",
                    "summary connected=1 payloads_in=3 payloads_out=3");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.outLines()).contains("state connected -> disconnected",
                    "summary state=disconnected sent=3 echoed=3");
        }
    }

    @Test
    void aClientWithNoServerToTalkToFails() throws Exception {
        Path token;
        try (EchoServerProcess server = new EchoServerProcess(1, 30)) {
            token = mintToken(server, 1, server.address);
        }
        // The server is gone; its port stays unanswered.
        CliRun client = CliRun.of("client", "--token", token.toString(), "--payloads", "1", "--payload-bytes", "8",
                "--seconds", "1");
        assertThat(client.exitCode()).isEqualTo(1);
        assertThat(client.outLines()).containsExactly("state disconnected -> sending_connection_request",
                "state sending_connection_request -> disconnected",
                "summary state=sending_connection_request sent=0 echoed=0");
        assertThat(client.errText()).contains("no server answered the connection request", "no server running at");
    }

    @Test
    void aTokenSealedWithAnotherKeyShowsAsDropsOnTheServerAndTheClientNamesTheLikelyCauses() throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(4, 30)) {
            String otherKey = Bytes.toHex(SecureRandomBytes.key());
            Path token = mintToken(otherKey, EchoServerProcess.PROTOCOL, 9, server.address);

            CliRun client = CliRun.of("client", "--token", token.toString(), "--payloads", "1", "--seconds", "2");

            assertThat(client.exitCode()).isEqualTo(1);
            assertThat(client.errText()).contains("no server answered the connection request", "another key or protocol id",
                    "already used", "already connected", "expired", server.address, "'drops' lines");
            // The client sent a request every 0.1 s for 2 s: the per-second lines show them as they come.
            String drops = server.out.await(line -> line.matches("drops total=\\d+ token_decrypt_failed=\\d+ \\(\\+\\d+\\)"),
                    Duration.ofSeconds(5));
            assertThat(server.stop()).isZero();
            List<String> lines = server.out.lines();
            // The final tally, just before the summary, counts at least what the last per-second line did.
            String tally = lines.get(lines.size() - 2);
            // no_key: the client's disconnect packets, sealed with keys the server never agreed to.
            assertThat(tally).matches("drops total=\\d+ token_decrypt_failed=\\d+( no_key=\\d+)?");
            assertThat(Long.parseLong(EchoServerProcess.field(tally, "total")))
                    .isGreaterThanOrEqualTo(Long.parseLong(EchoServerProcess.field(drops, "total")));
            long reports = lines.stream().filter(line -> line.contains("(+")).count();
            // One line a second at most, only while the count grows: never more lines than seconds the client sent.
            assertThat(reports).isBetween(1L, 3L);
        }
    }

    @Test
    void aTokenForAnotherProtocolIdShowsAsWrongProtocolIdDrops() throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(4, 30)) {
            Path token = mintToken(server.key, "0x99", 9, server.address);

            CliRun client = CliRun.of("client", "--token", token.toString(), "--payloads", "1", "--seconds", "1");

            assertThat(client.exitCode()).isEqualTo(1);
            server.out.await(line -> line.startsWith("drops total=") && line.contains(" wrong_protocol_id="),
                    Duration.ofSeconds(5));
        }
    }

    @Test
    void aFileThatIsNotATokenFails() throws Exception {
        Path file = dir.resolve("junk.token");
        Files.write(file, new byte[2048]);
        CliRun client = CliRun.of("client", "--token", file.toString(), "--payloads", "1", "--payload-bytes", "8",
                "--seconds", "1");
        assertThat(client.exitCode()).isEqualTo(1);
        assertThat(client.errText()).contains("not a valid connect token");
        assertThat(client.outLines()).containsExactly("summary state=invalid_connect_token sent=0 echoed=0");
    }

    private Path mintToken(EchoServerProcess server, long clientId, String address) {
        return mintToken(server.key, EchoServerProcess.PROTOCOL, clientId, address);
    }

    private Path mintToken(String key, String protocol, long clientId, String address) {
        Path file = dir.resolve("client-" + Long.toUnsignedString(clientId) + ".token");
        CliRun run = CliRun.of("token", "--key", key, "--protocol", protocol, "--client-id",
                Long.toUnsignedString(clientId), "--server", address, "--expire", "60", "--timeout", "5", "--out",
                file.toString());
        assertThat(run.exitCode()).as(run.errText()).isZero();
        return file;
    }
}
