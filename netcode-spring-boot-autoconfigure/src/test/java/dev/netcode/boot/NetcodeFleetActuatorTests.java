package dev.netcode.boot;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.testsupport.FleetHttp;
import dev.netcode.boot.testsupport.FleetTestApplication;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import dev.netcode.server.NetcodeServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the actuator shows of the fleet, over real HTTP, on the Redis directory behind a password:
 * the {@code fleet} section of {@code /actuator/netcode}, health component {@code netcodeFleet} and
 * the fleet meters, while Redis answers and after it is gone; the password appears nowhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class NetcodeFleetActuatorTests {

    static final String REDIS_PASSWORD = "redis-pw-7f3a9c";

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void fleetSectionHealthAndMetersWhileRedisAnswersAndAfterItIsGone(CapturedOutput output) throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            redis.command("CONFIG", "SET", "requirepass", REDIS_PASSWORD);
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(FleetTestApplication.class)
                .properties("server.port=0", "netcode.private-key=" + NetcodeStarterEndToEndTests.KEY_HEX,
                        "netcode.protocol-id=0x4e4554434f444531", "netcode.server.bind-address=127.0.0.1:0",
                        "netcode.server.max-clients=16", "netcode.token.address-rate-limit.enabled=false",
                        "netcode.fleet.directory=redis", "netcode.fleet.server-id=arena-act",
                        "netcode.fleet.region=eu", "netcode.fleet.labels.mode=duel",
                        "spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
                        "spring.data.redis.password=" + REDIS_PASSWORD, "spring.data.redis.timeout=1s",
                        "management.endpoints.web.exposure.include=*", "management.endpoint.health.show-details=always")
                .run()) {
                FleetHttp http = new FleetHttp(context);
                String bound = context.getBean(NetcodeServer.class).localAddress().toString();
                assertThat(http.token("alice", "").statusCode()).isEqualTo(200);
                assertThat(http.token("bob", "?region=us").statusCode()).isEqualTo(503);

                JsonNode fleet = this.json.readTree(http.get("/actuator/netcode", FleetTestApplication.OPERATOR).body())
                    .get("fleet");
                assertThat(fleet.get("directory").asString()).isEqualTo("redis");
                assertThat(fleet.get("serverId").asString()).isEqualTo("arena-act");
                assertThat(fleet.get("listed").asBoolean()).isTrue();
                assertThat(fleet.has("error")).isFalse();
                JsonNode server = fleet.get("servers").get(0);
                assertThat(server.get("serverId").asString()).isEqualTo("arena-act");
                assertThat(server.get("protocolId").asString()).isEqualTo("0x4e4554434f444531");
                assertThat(server.get("publicAddresses").get(0).asString()).isEqualTo(bound);
                assertThat(server.get("maxClients").asInt()).isEqualTo(16);
                assertThat(server.get("connectedClients").asInt()).isZero();
                assertThat(server.get("reservedSlots").asInt()).isOne();
                assertThat(server.get("freeSlots").asInt()).isEqualTo(15);
                assertThat(server.get("labels").get("region").asString()).isEqualTo("eu");
                assertThat(server.get("labels").get("mode").asString()).isEqualTo("duel");
                assertThat(server.has("startedAt")).isTrue();
                assertThat(fleet.get("totals").get("servers").asInt()).isOne();
                assertThat(fleet.get("totals").get("freeSlots").asInt()).isEqualTo(15);
                assertThat(fleet.get("statistics").get("reservationsMade").asLong()).isOne();
                assertThat(fleet.get("statistics").get("reservationsRefused").asLong()).isOne();

                JsonNode health = component(http, "netcodeFleet");
                assertThat(health.get("status").asString()).isEqualTo("UP");
                assertThat(health.get("details").get("directory").asString()).isEqualTo("redis");
                assertThat(health.get("details").get("servers").asInt()).isOne();
                assertThat(health.get("details").get("freeSlots").asInt()).isEqualTo(15);
                assertThat(health.get("details").get("serverId").asString()).isEqualTo("arena-act");

                assertThat(meter(http, "netcode.fleet.reservations?tag=result:made")).isEqualTo(1.0);
                assertThat(meter(http, "netcode.fleet.reservations?tag=result:refused")).isEqualTo(1.0);
                assertThat(meter(http, "netcode.fleet.reservations?tag=result:unavailable")).isEqualTo(0.0);
                assertThat(meter(http, "netcode.fleet.reservations.expired")).isEqualTo(0.0);
                assertThat(meter(http, "netcode.fleet.malformed.entries")).isEqualTo(0.0);
                assertThat(meter(http, "netcode.fleet.servers")).isEqualTo(1.0);
                assertThat(meter(http, "netcode.fleet.free.slots")).isEqualTo(15.0);
                JsonNode servers = this.json.readTree(http.get("/actuator/metrics/netcode.fleet.servers", "alice").body());
                assertThat(servers.get("availableTags")).as("no tag per server").isEmpty();
                assertNoPassword(http, output);

                redis.kill();
                JsonNode down = component(http, "netcodeFleet");
                assertThat(down.get("status").asString()).isEqualTo("DOWN");
                assertThat(down.get("details").get("error").asString()).contains("directory cannot be reached");
                JsonNode unreachable = this.json
                    .readTree(http.get("/actuator/netcode", FleetTestApplication.OPERATOR).body())
                    .get("fleet");
                assertThat(unreachable.get("error").asString()).contains("cannot be reached");
                assertThat(unreachable.get("servers")).isEmpty();
                assertThat(http.token("carol", "").statusCode()).isEqualTo(503);
                assertThat(meter(http, "netcode.fleet.reservations?tag=result:unavailable")).isEqualTo(1.0);
                assertNoPassword(http, output);
            }
        }
    }

    private JsonNode component(FleetHttp http, String name) {
        return this.json.readTree(http.get("/actuator/health", "alice").body()).get("components").get(name);
    }

    private double meter(FleetHttp http, String query) {
        JsonNode metric = this.json.readTree(http.get("/actuator/metrics/" + query, "alice").body());
        return metric.get("measurements").get(0).get("value").asDouble();
    }

    private static void assertNoPassword(FleetHttp http, CapturedOutput output) {
        for (String path : List.of("/actuator/netcode", "/actuator/health", "/actuator/env", "/actuator/configprops",
                "/actuator/metrics/netcode.fleet.servers")) {
            assertThat(http.get(path, FleetTestApplication.OPERATOR).body()).as(path).doesNotContain(REDIS_PASSWORD);
        }
        // The listing does show the property, masked, so the check above would see a leak.
        assertThat(http.get("/actuator/env", FleetTestApplication.OPERATOR).body()).contains("spring.data.redis.password");
        assertThat(output.getAll()).doesNotContain(REDIS_PASSWORD);
    }

}
