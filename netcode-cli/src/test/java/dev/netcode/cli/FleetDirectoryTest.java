package dev.netcode.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.redis.LettuceScriptExecutor;
import dev.netcode.fleet.redis.RedisServerDirectory;
import dev.netcode.fleet.redis.test.Await;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import dev.netcode.token.ConnectToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code server --directory}, {@code token --directory} and {@code fleet} against a real
 * {@code redis-server} of the test's own, with echo servers in-process on 127.0.0.1 and clients
 * connecting over UDP with the tokens minted from the directory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetDirectoryTest {

    private static final Duration LISTED = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final String key = Bytes.toHex(SecureRandomBytes.key());
    private final List<AutoCloseable> servers = new ArrayList<>();
    private RedisServerProcess redis;

    @BeforeEach
    void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
        redis.close();
    }

    @Test
    void tokensReserveOnTheServerThePolicyPicksInTheRegionAndListItFirstUntilTheFleetIsFull() throws Exception {
        EchoServerProcess small = server("eu-small", 2, "--region", "eu");
        EchoServerProcess large = server("eu-large", 4, "--region", "eu");

        // pack: the fullest server with room (the small one, 2 free against 4), the other as a fallback.
        Token first = token(1, "--region", "eu", "--policy", "pack");
        assertThat(first.serverId()).isEqualTo("eu-small");
        assertThat(first.addresses()).containsExactly(small.address, large.address);
        // spread: the least loaded (the large one: 0 of 4 taken against 1 of 2).
        Token second = token(2, "--region", "eu", "--policy", "spread");
        assertThat(second.serverId()).isEqualTo("eu-large");
        assertThat(second.addresses()).containsExactly(large.address, small.address);
        // pack is the default; the small server's last slot, then it is full and no longer a fallback.
        assertThat(token(3).serverId()).isEqualTo("eu-small");
        Token fourth = token(4, "--fallback-servers", "0");
        assertThat(fourth.serverId()).isEqualTo("eu-large");
        assertThat(fourth.addresses()).containsExactly(large.address);
        assertThat(token(5).addresses()).containsExactly(large.address);

        CliRun otherRegion = CliRun.of(tokenArgs(6, "--region", "us"));
        assertThat(otherRegion.exitCode()).isEqualTo(NetcodeCli.EXIT_FLEET_FULL);
        assertThat(otherRegion.errText()).contains("the fleet is full: no server of protocol 0x1122334455667788 in"
                + " region 'us' has a free slot");

        assertThat(token(6).serverId()).isEqualTo("eu-large");
        CliRun full = CliRun.of(tokenArgs(7));
        assertThat(full.exitCode()).as(full.errText()).isEqualTo(NetcodeCli.EXIT_FLEET_FULL);
        assertThat(full.errText()).contains("netcode-cli token: the fleet is full", "no token written, try again later");
        assertThat(full.outText()).isEmpty();
        assertThat(dir.resolve("client-7.token")).doesNotExist();

        CliRun fleet = CliRun.of("fleet", "--directory", redis.uri());
        assertThat(fleet.exitCode()).as(fleet.errText()).isZero();
        assertThat(fleet.outLines()).hasSize(4);
        assertThat(fleet.outLines().get(0).split(" +")).containsExactly("SERVER", "PROTOCOL", "REGION", "LABELS",
                "ADDRESSES", "MAX", "CONNECTED", "RESERVED", "FREE", "AGE");
        assertThat(row(fleet, "eu-large")).containsExactly("eu-large", "0x1122334455667788", "eu", "-", large.address,
                "4", "0", "4", "0");
        assertThat(row(fleet, "eu-small")).containsExactly("eu-small", "0x1122334455667788", "eu", "-", small.address,
                "2", "0", "2", "0");
        assertThat(fleet.outLines().get(3)).isEqualTo("summary servers=2 max=6 connected=0 reserved=6 free=0");
    }

    @Test
    void anAnnouncedServerIsInTheFleetServesATokenFromTheDirectoryAndIsWithdrawnWhenItStops() throws Exception {
        EchoServerProcess server = server("eu-1", 4, "--region", "eu");

        CliRun listed = CliRun.of("fleet", "--directory", redis.uri());
        assertThat(listed.exitCode()).as(listed.errText()).isZero();
        assertThat(row(listed, "eu-1")).containsExactly("eu-1", "0x1122334455667788", "eu", "-", server.address, "4",
                "0", "0", "4");
        assertThat(listed.outLines().get(1)).matches("eu-1 .* \\d+s$");

        Token token = token(42, "--region", "eu");
        assertThat(token.serverId()).isEqualTo("eu-1");
        CompletableFuture<CliRun> client = CompletableFuture.supplyAsync(() -> CliRun.of("client", "--token",
                token.file().toString(), "--payloads", "5", "--payload-bytes", "50", "--seconds", "10", "--hold", "20"));
        server.out.await(line -> line.startsWith("connect index=0 id=42 "), Duration.ofSeconds(10));
        // The next heartbeat reports the client connected: its reservation becomes a live connection.
        awaitFleet("connected=1 reserved=0 free=3", lines -> row(lines, "eu-1").equals(List.of("eu-1", "0x1122334455667788", "eu", "-", server.address,
                "4", "1", "0", "3")));

        assertThat(server.stop()).isZero();
        // Withdrawn as it stops, not when its listing would have expired.
        CliRun after = CliRun.of("fleet", "--directory", redis.uri());
        assertThat(after.outLines()).hasSize(2);
        assertThat(after.outLines().get(1)).isEqualTo("summary servers=0 max=0 connected=0 reserved=0 free=0");
        CliRun none = CliRun.of(tokenArgs(43));
        assertThat(none.exitCode()).isEqualTo(NetcodeCli.EXIT_FLEET_FULL);

        CliRun done = client.get(15, TimeUnit.SECONDS);
        assertThat(done.outLines()).contains("summary state=disconnected sent=5 echoed=5");
        assertThat(server.out.lines()).contains("disconnect index=0 id=42 reason=server_disconnect");
    }

    @Test
    void aServerWhoseRedisIsDownKeepsServingAndIsListedOnceRedisIsBack() throws Exception {
        redis.kill();
        EchoServerProcess server = new EchoServerProcess(key, 2, 60, "--directory", redis.uri(), "--server-id",
                "lonely");
        servers.add(server);
        server.out.await(line -> line.equals("fleet id=lonely directory=" + redis.uri() + " listed=false"), LISTED);

        Path token = dir.resolve("direct.token");
        CliRun minted = CliRun.of("token", "--key", key, "--protocol", EchoServerProcess.PROTOCOL, "--client-id", "9",
                "--server", server.address, "--expire", "60", "--timeout", "5", "--out", token.toString());
        assertThat(minted.exitCode()).as(minted.errText()).isZero();
        CliRun client = CliRun.of("client", "--token", token.toString(), "--payloads", "3", "--payload-bytes", "20",
                "--seconds", "10");
        assertThat(client.outLines()).contains("summary state=connected sent=3 echoed=3");

        redis.restart();
        awaitFleet("the server listed once Redis is back", lines -> !row(lines, "lonely").isEmpty());
    }

    @Test
    void tokenAndFleetFailWithTheirOwnExitCodeWhenRedisCannotBeReached() {
        redis.kill();

        CliRun token = CliRun.of(tokenArgs(1));
        assertThat(token.exitCode()).isEqualTo(NetcodeCli.EXIT_DIRECTORY_UNAVAILABLE);
        assertThat(token.errText()).startsWith("netcode-cli token: the fleet directory cannot be reached: Redis at "
                + redis.host() + ":" + redis.port() + " ").endsWith("; no token written");
        assertThat(token.outText()).isEmpty();
        assertThat(dir.resolve("client-1.token")).doesNotExist();

        CliRun fleet = CliRun.of("fleet", "--directory", redis.uri());
        assertThat(fleet.exitCode()).isEqualTo(NetcodeCli.EXIT_DIRECTORY_UNAVAILABLE);
        assertThat(fleet.errText()).startsWith("netcode-cli fleet: the fleet directory cannot be reached: Redis at "
                + redis.host() + ":" + redis.port() + " ").endsWith("; nothing to show");
        assertThat(fleet.outText()).isEmpty();
    }

    @Test
    void aRedisWithAPasswordIsReachedWithTheOneFromTheEnvironmentWhichNoMessageShows() {
        String password = "cli-fleet-s3cret";
        redis.command("CONFIG", "SET", "requirepass", password);

        CliRun without = CliRun.of("fleet", "--directory", redis.uri());
        assertThat(without.exitCode()).isEqualTo(NetcodeCli.EXIT_DIRECTORY_UNAVAILABLE);
        CliRun wrong = CliRun.withEnvironment(Map.of(DirectoryFlags.PASSWORD_ENVIRONMENT_VARIABLE, "not-it"), "fleet",
                "--directory", redis.uri());
        assertThat(wrong.exitCode()).isEqualTo(NetcodeCli.EXIT_DIRECTORY_UNAVAILABLE);
        assertThat(wrong.errText()).doesNotContain("not-it");

        CliRun fleet = CliRun.withEnvironment(Map.of(DirectoryFlags.PASSWORD_ENVIRONMENT_VARIABLE, password), "fleet",
                "--directory", redis.uri());
        assertThat(fleet.exitCode()).as(fleet.errText()).isZero();
        assertThat(fleet.outText()).contains("summary servers=0").doesNotContain(password);
    }

    @Test
    void theTableShowsEveryLabelAndAddressOfAServerAnnouncedByAnotherProcessAndNoControlCharacter() {
        try (ServerDirectory directory = new RedisServerDirectory(LettuceScriptExecutor.connect(redis.uri(),
                Duration.ofSeconds(2)))) {
            directory.announce(new ServerAnnouncement("spring-1", 0x42, List.of(NetcodeAddress.parse("127.0.0.1:5000"),
                    NetcodeAddress.parse("[::1]:5000")), 10, Set.of(1L, 2L), Map.of("region", "eu", "tier", "gold",
                    "note", "a\u001b[2Jb"), Instant.now().minusSeconds(3600)));
        }

        CliRun fleet = CliRun.of("fleet", "--directory", redis.uri());

        assertThat(fleet.exitCode()).as(fleet.errText()).isZero();
        assertThat(fleet.outLines().get(1).split(" +")).containsExactly("spring-1", "0x42", "eu", "note=a?[2Jb,tier=gold",
                "127.0.0.1:5000,[::1]:5000", "10", "2", "0", "8", "1h00m");
        assertThat(fleet.outLines().get(2)).isEqualTo("summary servers=1 max=10 connected=2 reserved=0 free=8");
    }

    @Test
    void ageIsShownInItsLargestUnits() {
        assertThat(FleetCommand.age(Duration.ofSeconds(-5))).isEqualTo("0s");
        assertThat(FleetCommand.age(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(FleetCommand.age(Duration.ofSeconds(65))).isEqualTo("1m05s");
        assertThat(FleetCommand.age(Duration.ofSeconds(2 * 3600 + 3 * 60 + 9))).isEqualTo("2h03m");
        assertThat(FleetCommand.age(Duration.ofHours(50))).isEqualTo("2d02h");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** An echo server announced as {@code id}, once the directory lists it. */
    private EchoServerProcess server(String id, int maxClients, String... more) throws InterruptedException {
        String[] args = Stream.concat(Stream.of("--directory", redis.uri(), "--server-id", id), Stream.of(more))
                .toArray(String[]::new);
        EchoServerProcess server = new EchoServerProcess(key, maxClients, 60, args);
        servers.add(server);
        server.out.await(line -> line.equals("fleet id=" + id + " directory=" + redis.uri() + " listed=true"), LISTED);
        return server;
    }

    private record Token(Path file, String serverId, List<String> addresses) {
    }

    /** Mints a token from the directory for {@code clientId} and reads what it lists. */
    private Token token(long clientId, String... more) throws Exception {
        CliRun run = CliRun.of(tokenArgs(clientId, more));
        assertThat(run.exitCode()).as(run.errText()).isZero();
        Path file = dir.resolve("client-" + clientId + ".token");
        String line = run.outLines().get(0);
        String serverId = line.substring(line.indexOf(" server_id=") + " server_id=".length());
        List<String> addresses = ConnectToken.read(Files.readAllBytes(file)).serverAddresses().stream()
                .map(NetcodeAddress::toString).toList();
        assertThat(line).contains(" servers=" + String.join(",", addresses) + " ");
        return new Token(file, serverId, addresses);
    }

    private String[] tokenArgs(long clientId, String... more) {
        return Stream.concat(Stream.of("token", "--key", key, "--protocol", EchoServerProcess.PROTOCOL, "--client-id",
                Long.toString(clientId), "--directory", redis.uri(), "--expire", "60", "--timeout", "5", "--out",
                dir.resolve("client-" + clientId + ".token").toString()), Stream.of(more)).toArray(String[]::new);
    }

    /** The cells of {@code serverId}'s row of a {@code fleet} table, without the age. */
    private static List<String> row(CliRun fleet, String serverId) {
        return row(fleet.outLines(), serverId);
    }

    private static List<String> row(List<String> lines, String serverId) {
        for (String line : lines) {
            String[] cells = line.split(" +");
            if (cells[0].equals(serverId)) {
                return List.of(cells).subList(0, cells.length - 1);
            }
        }
        return List.of();
    }

    /** Runs {@code fleet} until its output satisfies {@code condition}. */
    private void awaitFleet(String what, Predicate<List<String>> condition) {
        Await.until(what, LISTED, () -> condition.test(CliRun.of("fleet", "--directory", redis.uri()).outLines()));
    }
}
