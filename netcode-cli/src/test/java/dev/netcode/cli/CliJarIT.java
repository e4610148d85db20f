package dev.netcode.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.netcode.Bytes;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.redis.LettuceScriptExecutor;
import dev.netcode.fleet.redis.RedisServerDirectory;
import dev.netcode.fleet.redis.test.Await;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import dev.netcode.transport.NativeUdpTransport;
import dev.netcode.transport.epoll.EpollTransport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar, run as operators run it: {@code java -jar netcode-cli.jar ...} in separate
 * processes (keygen, a server, token, client; servers in a fleet directory in a real Redis),
 * talking over 127.0.0.1. Run by failsafe after {@code package}. Every process is bounded by a
 * timeout and killed in {@code finally}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliJarIT {

    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void serverAndClientFromTheShadedJarTalkToEachOther() throws Exception {
        Result usage = runJar("--bogus-command");
        assertThat(usage.exitCode).isEqualTo(2);
        assertThat(usage.stderr).contains("usage: netcode-cli <command>");

        Result keygen = runJar("keygen");
        assertThat(keygen.exitCode).as(keygen.stderr).isZero();
        String key = keygen.stdout.strip();
        assertThat(key).matches("[0-9a-f]{64}");

        // The server reads its key from the environment, as operators should give it (not in the process list).
        Process server = start(Map.of("NETCODE_PRIVATE_KEY", key), dir.resolve("server.err"), "server", "--bind",
                "127.0.0.1:0", "--protocol", "0x4e4554", "--max-clients", "2", "--seconds", "30", "--warm-up", "150");
        Lines serverOut = new Lines();
        Thread pump = pump(server, serverOut);
        try {
            String listening = serverOut.await(line -> line.startsWith("listening addr="), PROCESS_TIMEOUT);
            String address = EchoServerProcess.field(listening, "addr");
            // The jar carries core's native library and every transport's service entry: auto finds native first.
            assertThat(EchoServerProcess.field(listening, "transport"))
                    .isEqualTo(NativeUdpTransport.isAvailable() ? "native" : EpollTransport.isAvailable() ? "epoll" : "nio");
            // Before the bind: the warm-up's one line is on stderr once 'listening' is on stdout.
            assertThat(Files.readString(dir.resolve("server.err"))).containsPattern(
                    "netcode warm-up: [1-9][0-9]* packets in [1-9][0-9]* connections in [0-9]+ ms \\(budget 150 ms\\)");
            Path token = dir.resolve("it.token");

            Result minted = runJar("token", "--key", key, "--protocol", "4e4554", "--client-id", "1001", "--server",
                    address, "--expire", "120", "--timeout", "5", "--out", token.toString());
            assertThat(minted.exitCode).as(minted.stderr).isZero();
            assertThat(Files.size(token)).isEqualTo(2048);

            Result client = runJar("client", "--token", token.toString(), "--payloads", "10", "--payload-bytes", "200",
                    "--seconds", "15");
            assertThat(client.exitCode).as(client.stdout + client.stderr).isZero();
            assertThat(client.stdout).contains("state sending_connection_response -> connected",
                    "summary state=connected sent=10 echoed=10");

            serverOut.await(line -> line.startsWith("disconnect "), PROCESS_TIMEOUT);
            // SIGTERM: the shutdown hook stops the server and prints the summary before the JVM exits.
            // (Process.destroy() would also close our end of its stdout; the handle's doesn't.)
            server.toHandle().destroy();
            assertThat(server.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            pump.join(PROCESS_TIMEOUT.toMillis());
            // The client's disconnect packets after the first may show in 'drops' lines (no_key).
            List<String> lines = serverOut.lines().stream().filter(line -> !line.startsWith("drops ")).toList();
            assertThat(lines).hasSize(4);
            assertThat(lines.get(1)).matches("connect index=0 id=1001 addr=127\\.0\\.0\\.1:\\d+");
            assertThat(lines.subList(2, 4)).containsExactly("disconnect index=0 id=1001 reason=client_disconnect",
                    "summary connected=1 payloads_in=10 payloads_out=10");
        }
        finally {
            server.destroyForcibly();
        }
    }

    @Test
    void aKilledServerLeavesTheFleetWithinTheTimeToLiveAndAStoppedOneAtOnce() throws Exception {
        String key = Bytes.toHex(SecureRandomBytes.key());
        try (RedisServerProcess redis = RedisServerProcess.start();
                ServerDirectory directory = new RedisServerDirectory(LettuceScriptExecutor.connect(redis.uri(),
                        Duration.ofSeconds(2)))) {
            Path killedErr = dir.resolve("killed.err");
            Path stoppedErr = dir.resolve("stopped.err");
            Process killed = start(Map.of("NETCODE_PRIVATE_KEY", key), killedErr, fleetServerArgs(redis, "killed"));
            Process stopped = start(Map.of("NETCODE_PRIVATE_KEY", key), stoppedErr, fleetServerArgs(redis, "stopped"));
            Lines killedOut = new Lines();
            Lines stoppedOut = new Lines();
            pump(killed, killedOut);
            Thread stoppedPump = pump(stopped, stoppedOut);
            try {
                killedOut.await(line -> line.startsWith("fleet id=killed directory=" + redis.uri() + " listed=true"),
                        PROCESS_TIMEOUT);
                stoppedOut.await(line -> line.startsWith("fleet id=stopped directory=" + redis.uri() + " listed=true"),
                        PROCESS_TIMEOUT);
                String stoppedAddress = EchoServerProcess.field(stoppedOut.lines().get(0), "addr");

                Result fleet = runJar("fleet", "--directory", redis.uri());
                assertThat(fleet.exitCode).as(fleet.stderr).isZero();
                assertThat(fleet.stdout).contains("\nkilled ", "\nstopped ", "summary servers=2 max=4 ");
                assertThat(fleet.stderr).as("nothing from Lettuce or Netty on stderr").isEmpty();

                // SIGKILL: no shutdown hook, no withdrawal; the listing expires within the time to live.
                killed.destroyForcibly();
                long killedAt = System.nanoTime();
                assertThat(killed.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                Await.until("the killed server to leave the directory", Duration.ofSeconds(10),
                        () -> directory.servers().stream().map(FleetServer::serverId).toList().equals(List.of("stopped")));
                assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("gone within the 3 s time to live")
                        .isLessThan(Duration.ofMillis(3_500));

                Path token = dir.resolve("fleet.token");
                Result minted = runJar("token", "--key", key, "--protocol", "4e4554", "--client-id", "77", "--directory",
                        redis.uri(), "--expire", "60", "--timeout", "5", "--out", token.toString());
                assertThat(minted.exitCode).as(minted.stderr).isZero();
                assertThat(minted.stdout).contains(" servers=" + stoppedAddress + " ", " server_id=stopped");
                assertThat(minted.stderr).isEmpty();

                // SIGTERM: the shutdown hook withdraws the server before the JVM exits.
                stopped.toHandle().destroy();
                assertThat(stopped.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(directory.servers()).as("withdrawn at once").isEmpty();
                stoppedPump.join(PROCESS_TIMEOUT.toMillis());
                assertThat(stoppedOut.lines()).last().asString().startsWith("summary connected=0 ");
                assertThat(Files.readAllLines(stoppedErr)).as("stderr of the stopped server")
                        .noneMatch(line -> line.contains("WARN") || line.contains("Exception"));
            }
            finally {
                killed.destroyForcibly();
                stopped.destroyForcibly();
            }
        }
    }

    private static String[] fleetServerArgs(RedisServerProcess redis, String serverId) {
        return new String[] { "server", "--bind", "127.0.0.1:0", "--protocol", "4e4554", "--max-clients", "2",
            "--seconds", "60", "--directory", redis.uri(), "--server-id", serverId };
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("netcode.cli.jar", "target/netcode-cli.jar"));
        assertThat(jar).as("the shaded jar (run 'package' first)").exists();
        return jar;
    }

    /** Starts the jar with {@code args}, its stderr going to {@code stderr}. */
    private static Process start(Map<String, String> environment, Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private Result runJar(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(dir, "out", ".txt");
        Path stderr = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        try {
            assertThat(process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as(String.join(" ", args))
                    .isTrue();
            return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
        }
        finally {
            process.destroyForcibly();
        }
    }

    /** Copies the process's stdout into {@code lines} on a daemon thread. */
    private static Thread pump(Process process, Lines lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.stream().println(line);
                }
            }
            catch (IOException ex) {
                // The process is gone.
            }
        }, "server-stdout");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }
}
