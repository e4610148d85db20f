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

    private static final Pattern CHANNEL_FIELDS = Pattern
            .compile(" channel=([a-z-]+) refused=(\\d+) resent=(\\d+)(?: dropped_out=(\\d+) dropped_in=(\\d+))?$");

    @Test
    void reliableOrderedMessagesAllComeBackInOrderThroughInjectedLoss() throws Exception {
        try (EchoServerProcess server = new EchoServerProcess(8, 30, "--channels")) {
            CliRun load = CliRun.of("load", "--server", server.address, "--key", server.key, "--protocol",
                    EchoServerProcess.PROTOCOL, "--clients", "4", "--rate", "50", "--seconds", "2", "--payload-bytes",
                    "64", "--channel", "reliable-ordered", "--drop-percent", "10", "--drop-seed", "7");

            // Exit 0 on a reliable channel means every message came back, intact, once and in order.
            assertThat(load.exitCode()).as(load.errText()).isZero();
            assertThat(load.outLines()).hasSize(1);
            String line = load.outLines().get(0);
            assertThat(line).startsWith("load sent=400 echoed=400 loss=0.00 ");
            Matcher m = LOAD_LINE.matcher(line.substring(0, line.indexOf(" channel=")));
            assertThat(m.matches()).as(line).isTrue();
            Matcher fields = CHANNEL_FIELDS.matcher(line);
            assertThat(fields.find()).as(line).isTrue();
            assertThat(fields.group(1)).isEqualTo("reliable-ordered");
            assertThat(fields.group(2)).isEqualTo("0");
            // One datagram in ten was dropped each way, so messages were re-sent to get through.
            assertThat(Long.parseLong(fields.group(3))).as(line).isPositive();
            assertThat(Long.parseLong(fields.group(4))).as(line).isPositive();
            assertThat(Long.parseLong(fields.group(5))).as(line).isPositive();

            server.out.awaitCount(l -> l.startsWith("disconnect "), 4, Duration.ofSeconds(5));
            assertThat(server.stop()).isZero();
            // The server delivered each message exactly once and echoed each on the same channel.
            assertThat(server.out.lines().get(server.out.lines().size() - 1)).isEqualTo(
                    "summary connected=4 payloads_in=0 payloads_out=0 messages_in=400 messages_out=400 messages_refused=0");
        }
    }

    @Test
    void unreliableChannelAndRawPayloadsLoseWhatIsDropped() throws Exception {
        try (EchoServerProcess channels = new EchoServerProcess(8, 30, "--channels");
                EchoServerProcess raw = new EchoServerProcess(8, 30)) {
            CliRun unreliable = CliRun.of("load", "--server", channels.address, "--key", channels.key, "--protocol",
                    EchoServerProcess.PROTOCOL, "--clients", "2", "--rate", "50", "--seconds", "2", "--payload-bytes",
                    "32", "--channel", "unreliable", "--drop-percent", "30");
            CliRun rawLoad = CliRun.of("load", "--server", raw.address, "--key", raw.key, "--protocol",
                    EchoServerProcess.PROTOCOL, "--clients", "2", "--rate", "50", "--seconds", "2", "--payload-bytes",
                    "32", "--drop-percent", "30");

            for (CliRun load : new CliRun[] { unreliable, rawLoad }) {
                assertThat(load.exitCode()).as(load.errText()).isZero();
                String line = load.outLines().get(0);
                Matcher m = LOAD_LINE.matcher(line.replaceFirst(" (channel|dropped_out)=.*$", ""));
                assertThat(m.matches()).as(line).isTrue();
                assertThat(m.group(1)).isEqualTo("200");
                // With 30 % dropped each way about half the round trips fail; nothing brings them back.
                assertThat(Double.parseDouble(m.group(3))).as(line).isBetween(20.0, 80.0);
                assertThat(line).matches(".* dropped_out=[1-9]\\d* dropped_in=[1-9]\\d*$");
            }
            assertThat(unreliable.outLines().get(0)).contains(" channel=unreliable refused=0 resent=0 ");
            assertThat(rawLoad.outLines().get(0)).doesNotContain("channel=");
        }
    }

    @Test
    void badChannelOrDropFlagsAreUsageErrors() {
        CliRun badChannel = CliRun.of("load", "--server", "127.0.0.1:40000", "--key", "00".repeat(32), "--protocol", "1",
                "--clients", "1", "--rate", "1", "--seconds", "1", "--payload-bytes", "16", "--channel", "reliable");
        assertThat(badChannel.exitCode()).isEqualTo(2);
        assertThat(badChannel.errText()).contains("--channel must be one of unreliable, unreliable-sequenced, "
                + "reliable-ordered, reliable-unordered, got 'reliable'");
        CliRun seedAlone = CliRun.of("load", "--server", "127.0.0.1:40000", "--key", "00".repeat(32), "--protocol", "1",
                "--clients", "1", "--rate", "1", "--seconds", "1", "--payload-bytes", "16", "--drop-seed", "3");
        assertThat(seedAlone.exitCode()).isEqualTo(2);
        assertThat(seedAlone.errText()).contains("--drop-seed needs --drop-percent");
        CliRun both = CliRun.of("server", "--bind", "127.0.0.1:0", "--key", "00".repeat(32), "--protocol", "1",
                "--max-clients", "1", "--seconds", "1", "--reliable", "--channels");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errText()).contains("--reliable and --channels exclude each other");
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
