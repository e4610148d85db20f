package dev.netcode.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code server --reliable} and {@code client --reliable} against each other, in-process, over UDP
 * on 127.0.0.1: packets of 1 to 3000 bytes (up to three fragments each) echoed as new reliable
 * packets, every one checked and acked, the last one too (so the server must echo after the
 * receive call, when the echo's header acks the packet it answers).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReliableEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void everyPacketComesBackIntactAndAckedAndTheSummaryCarriesTheStatistics() throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(4, 60, "--reliable")) {
            Path token = mintToken(server, 7);

            CliRun client = CliRun.of("client", "--token", token.toString(), "--reliable", "--packets", "400",
                    "--max-bytes", "3000", "--seconds", "30");

            assertThat(client.exitCode()).as(client.outText() + "\n" + client.errText()).isZero();
            assertThat(client.outLines()).hasSize(5);
            assertThat(client.outLines().subList(2, 4)).containsExactly("state sending_connection_response -> connected",
                    "state connected -> disconnected");
            assertThat(client.outLines().get(4)).matches("rsummary sent=400 echoed=400 acked=400 rtt_ms=\\d+\\.\\d{3}"
                    + " loss_pct=\\d+\\.\\d{2} sent_kbps=\\d+\\.\\d received_kbps=\\d+\\.\\d acked_kbps=\\d+\\.\\d corrupt=0"
                    + " state=connected");
            double rtt = Double.parseDouble(client.outLines().get(4).replaceAll(".* rtt_ms=([0-9.]+) .*", "$1"));
            assertThat(rtt).as("smoothed RTT on loopback, ms").isPositive().isLessThan(1000.0);

            server.out.await(line -> line.startsWith("disconnect "), Duration.ofSeconds(5));
            assertThat(server.stop()).isZero();
            // 400 packets of 1..400 bytes: one datagram each way.
            assertThat(server.out.lines()).contains("disconnect index=0 id=7 reason=client_disconnect",
                    "summary connected=1 payloads_in=400 payloads_out=400 reliable_delivered=400 reliable_echoed=400");
        }
    }

    @Test
    void fragmentedPacketsComeBackIntactAndAcked() throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(4, 60, "--reliable")) {
            Path token = mintToken(server, 8);

            // Every size from 1 to 3000 bytes once: 1..1024 bytes one datagram, 1025..2048 two fragments,
            // 2049..3000 three.
            CliRun client = CliRun.of("client", "--token", token.toString(), "--reliable", "--packets", "3000",
                    "--max-bytes", "3000", "--seconds", "40");

            assertThat(client.exitCode()).as(client.outText() + "\n" + client.errText()).isZero();
            assertThat(client.outLines()).anyMatch(line -> line.startsWith("rsummary sent=3000 echoed=3000 acked=3000 "));
            server.out.await(line -> line.startsWith("disconnect "), Duration.ofSeconds(5));
            assertThat(server.stop()).isZero();
            int datagrams = 1024 + 2 * 1024 + 3 * (3000 - 2048);
            assertThat(server.out.lines()).contains("summary connected=1 payloads_in=" + datagrams + " payloads_out="
                    + datagrams + " reliable_delivered=3000 reliable_echoed=3000");
        }
    }

    @Test
    void withoutAReliableServerNothingIsEchoedAndTheClientFails() throws Exception {
        // A plain echo server sends each datagram back as it is: the client's endpoint gets its own
        // packets back and delivers them (valid reliable packets, intact payloads). Their headers ack
        // the client's own sequences, so a packet sent after some reflections came back acks those
        // when it is reflected in turn (how many depends on timing), but the last packet is never
        // acked: nothing the client sends after it comes back. So the run fails, whatever the timing.
        try (EchoServerProcess server = new EchoServerProcess(4, 60)) {
            Path token = mintToken(server, 9);
            CliRun client = CliRun.of("client", "--token", token.toString(), "--reliable", "--packets", "20",
                    "--max-bytes", "100", "--seconds", "3");
            assertThat(client.exitCode()).isEqualTo(1);
            String summary = client.outLines().stream().filter(line -> line.startsWith("rsummary ")).findFirst()
                .orElseThrow();
            assertThat(summary).startsWith("rsummary sent=20 echoed=20 acked=");
            int acked = Integer.parseInt(summary.replaceAll(".* acked=(\\d+) .*", "$1"));
            assertThat(acked).isLessThan(20);
        }
    }

    @Test
    void aFileThatIsNotATokenFailsWithAnEmptyReliableSummary() throws Exception {
        Path file = dir.resolve("junk.token");
        Files.write(file, new byte[2048]);
        CliRun client = CliRun.of("client", "--token", file.toString(), "--reliable", "--packets", "1", "--max-bytes",
                "8", "--seconds", "1");
        assertThat(client.exitCode()).isEqualTo(1);
        assertThat(client.outLines()).containsExactly("rsummary sent=0 echoed=0 acked=0 rtt_ms=0.000 loss_pct=0.00"
                + " sent_kbps=0.0 received_kbps=0.0 acked_kbps=0.0 corrupt=0 state=invalid_connect_token");
    }

    private Path mintToken(EchoServerProcess server, long clientId) {
        Path file = dir.resolve("client-" + clientId + ".token");
        CliRun run = CliRun.of("token", "--key", server.key, "--protocol", EchoServerProcess.PROTOCOL, "--client-id",
                Long.toUnsignedString(clientId), "--server", server.address, "--expire", "60", "--timeout", "5", "--out",
                file.toString());
        assertThat(run.exitCode()).as(run.errText()).isZero();
        return file;
    }
}
