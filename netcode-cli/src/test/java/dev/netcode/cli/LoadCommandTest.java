package dev.netcode.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** Tests for {@link LoadCommand} against the in-process echo server on 127.0.0.1. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoadCommandTest {

    private static final Pattern LOAD_LINE = Pattern.compile("load sent=(\\d+) echoed=(\\d+) loss=(\\d+\\.\\d{2}) "
            + "rtt_p50_ms=(\\d+\\.\\d{3}) rtt_p99_ms=(\\d+\\.\\d{3}) pps=(\\d+\\.\\d) connected=(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aFewClientsForTwoSecondsGetTheirEchoesBack() throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(8, 30)) {
            Path keyFile = Files.writeString(dir.resolve("server.key"), server.key + "\n");
            CliRun load = CliRun.of("load", "--server", server.address, "--key-file", keyFile.toString(), "--protocol",
                    EchoServerProcess.PROTOCOL, "--clients", "4", "--rate", "50", "--seconds", "2", "--payload-bytes",
                    "64");

            assertThat(load.exitCode()).as(load.errText()).isZero();
            assertThat(load.outLines()).hasSize(1);
            Matcher m = LOAD_LINE.matcher(load.outLines().get(0));
            assertThat(m.matches()).as(load.outLines().get(0)).isTrue();
            long sent = Long.parseLong(m.group(1));
            long echoed = Long.parseLong(m.group(2));
            double loss = Double.parseDouble(m.group(3));
            double p50 = Double.parseDouble(m.group(4));
            double p99 = Double.parseDouble(m.group(5));
            double pps = Double.parseDouble(m.group(6));
            assertThat(sent).isEqualTo(4 * 50 * 2);
            assertThat(echoed).isLessThanOrEqualTo(sent).isGreaterThanOrEqualTo(sent * 99 / 100);
            assertThat(loss).isLessThanOrEqualTo(1.0);
            assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
            assertThat(pps).isCloseTo(echoed / 2.0, offset(0.1));
            assertThat(m.group(7)).isEqualTo("4");

            server.out.awaitCount(line -> line.startsWith("disconnect "), 4, Duration.ofSeconds(5));
            assertThat(server.stop()).isZero();
            assertThat(server.out.lines()).filteredOn(line -> line.startsWith("connect ")).hasSize(4);
            assertThat(server.out.lines()).filteredOn(line -> line.endsWith("reason=client_disconnect")).hasSize(4);
            assertThat(server.out.lines().get(server.out.lines().size() - 1))
                    .isEqualTo("summary connected=4 payloads_in=" + sent + " payloads_out=" + sent);
        }
    }

    @Test
    void clientsTheServerTurnsAwayMakeItFail() throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(1, 30)) {
            CliRun load = CliRun.of("load", "--server", server.address, "--key", server.key, "--protocol",
                    EchoServerProcess.PROTOCOL, "--clients", "2", "--rate", "10", "--seconds", "1", "--payload-bytes",
                    "16");

            assertThat(load.exitCode()).isEqualTo(1);
            assertThat(load.errText()).contains("1/2 clients connected").contains("connection_denied=1");
            assertThat(load.outLines()).hasSize(1);
            assertThat(load.outLines().get(0)).matches(LOAD_LINE).startsWith("load sent=10 echoed=10 loss=0.00 ")
                    .endsWith(" connected=1");
        }
    }
}
