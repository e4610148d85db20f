package dev.netcode.boot;

import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.Bytes;
import dev.netcode.boot.testsupport.EchoClient;
import dev.netcode.boot.testsupport.FleetHttp;
import dev.netcode.boot.testsupport.FleetTestApplication;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import dev.netcode.server.NetcodeServer;
import dev.netcode.token.ConnectTokenGenerator;

import static dev.netcode.boot.testsupport.UdpTestClients.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A game server with a token issuer on the Redis directory, started while Redis is down: the server
 * serves its players, the issuer refuses with 503 and health says why; once Redis is up the server
 * is listed and tokens lead to it.
 */
@ExtendWith(OutputCaptureExtension.class)
class NetcodeFleetRedisOutageTests {

    static final String PROTOCOL_ID = "0x4e4554434f444531";

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void redisDownAtStartLeavesTheServerServingAndTheIssuerRefusingUntilRedisIsUp(CapturedOutput output)
            throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            redis.kill();
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(FleetTestApplication.class)
                .properties("server.port=0", "netcode.private-key=" + NetcodeStarterEndToEndTests.KEY_HEX,
                        "netcode.protocol-id=" + PROTOCOL_ID, "netcode.server.bind-address=127.0.0.1:0",
                        "netcode.token.address-rate-limit.enabled=false", "netcode.token.rate-limit.enabled=false",
                        "netcode.fleet.directory=redis", "netcode.fleet.server-id=arena-outage",
                        "netcode.fleet.heartbeat-interval=200ms", "netcode.fleet.time-to-live=1s",
                        "spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
                        "spring.data.redis.timeout=1s", "spring.data.redis.connect-timeout=1s",
                        "management.endpoints.web.exposure.include=health,netcode",
                        "management.endpoint.health.show-details=always")
                .run()) {
                NetcodeServer server = context.getBean(NetcodeServer.class);
                assertThat(server.isRunning()).isTrue();
                assertThat(output.getOut()).contains("Fleet server 'arena-outage' could not be announced");
                FleetHttp http = new FleetHttp(context);

                // A player whose token was issued before the outage plays on.
                byte[] earlier;
                try (ConnectTokenGenerator generator = new ConnectTokenGenerator(
                        Bytes.fromHex(NetcodeStarterEndToEndTests.KEY_HEX), Long.decode(PROTOCOL_ID))) {
                    earlier = generator.generate(77, server.serverAddresses(), 30, 5, null).toBytes();
                }
                try (EchoClient veteran = EchoClient.connect(earlier)) {
                    assertThat(veteran.echo("still here")).isEqualTo("echo:still here");

                    HttpResponse<String> refused = http.token("alice", "");
                    assertThat(refused.statusCode()).isEqualTo(503);
                    assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
                    assertThat(this.json.readTree(refused.body()).get("reason").asString())
                        .isEqualTo("directory-unavailable");

                    JsonNode health = this.json.readTree(http.get("/actuator/health", "alice").body());
                    JsonNode fleet = health.get("components").get("netcodeFleet");
                    assertThat(fleet.get("status").asString()).isEqualTo("DOWN");
                    assertThat(fleet.get("details").get("error").asString())
                        .contains("directory cannot be reached");
                    assertThat(fleet.get("details").get("listed").asBoolean()).isFalse();
                    assertThat(health.get("components").get("netcode").get("status").asString()).isEqualTo("UP");
                    JsonNode endpoint = this.json.readTree(http.get("/actuator/netcode", FleetTestApplication.OPERATOR)
                        .body());
                    assertThat(endpoint.get("fleet").get("error").asString()).contains("cannot be reached");
                    assertThat(endpoint.get("connectedClients").asInt()).isOne();

                    // Redis is back: the next heartbeat lists the server, with its player, and tokens work.
                    redis.restart();
                    assertThat(await(() -> listed(redis).contains("arena-outage"), 10_000)).isTrue();
                    HttpResponse<String> issued = http.token("alice", "");
                    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
                    JsonNode body = this.json.readTree(issued.body());
                    assertThat(body.get("servers").get(0).asString()).isEqualTo(server.localAddress().toString());
                    try (EchoClient alice = EchoClient.connect(Base64.getDecoder().decode(body.get("token").asString()))) {
                        assertThat(alice.echo("hello")).isEqualTo("echo:hello");
                        assertThat(veteran.echo("and me")).isEqualTo("echo:and me");
                    }
                    assertThat(output.getOut()).contains("Fleet server 'arena-outage' is listed in the directory again");
                    assertThat(this.json.readTree(http.get("/actuator/health", "alice").body())
                        .get("components").get("netcodeFleet").get("status").asString()).isEqualTo("UP");
                }
            }
        }
    }

    private static List<?> listed(RedisServerProcess redis) {
        return (List<?>) redis.command("ZRANGE", "netcode:{fleet}:servers", "0", "-1");
    }

}
