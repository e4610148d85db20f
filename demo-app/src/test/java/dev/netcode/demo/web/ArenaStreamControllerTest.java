package dev.netcode.demo.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.Direction;
import dev.netcode.demo.game.EventFeed;
import dev.netcode.demo.game.GameEvent;

import static org.assertj.core.api.Assertions.assertThat;

class ArenaStreamControllerTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void framesCarryNamesPositionsScoresAndSlotsButNoClientIds() {
        Arena arena = new Arena(42);
        arena.join(0xFEDCBA9876543210L, "alice");
        arena.input(0xFEDCBA9876543210L, Direction.RIGHT, 0x1234567L);
        arena.step(0.05);

        String frame = json.writeValueAsString(ArenaStreamController.Frame.of(arena.snapshot(),
                Map.of(0xFEDCBA9876543210L, 5)));

        assertThat(frame).startsWith("{\"tick\":1,\"width\":64.0,\"height\":36.0,\"players\":[{\"name\":\"alice\",")
            .contains("\"score\":0", "\"color\":0,\"slot\":5}", "\"coins\":[{\"x\":")
            .doesNotContain("clientId", "echo", Long.toUnsignedString(0xFEDCBA9876543210L), "19088743");
    }

    @Test
    void feedLinesCarryTheEventsTextButNoClientIds() {
        EventFeed feed = new EventFeed();
        feed.add(GameEvent.joined("alice"));
        feed.add(GameEvent.chat("alice", "hi\u001b[2J"));

        String lines = json.writeValueAsString(feed.since(0).stream().map(ArenaStreamController.FeedLine::of).toList());

        assertThat(lines).startsWith("[{\"sequence\":1,\"epochMillis\":")
            .contains("\"kind\":\"JOINED\",\"line\":\"alice joined\"}",
                    "{\"sequence\":2,", "\"kind\":\"CHAT\",\"line\":\"alice: hi?[2J\"}")
            .doesNotContain("clientId", "\\u001b");
    }

    @Test
    void refusesViewersBeyondTheLimitAndAllWhenStopped() {
        ArenaStreamController controller = new ArenaStreamController(new Arena(1), new EventFeed(), json, Map::of);
        assertThat(controller.stream().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);

        controller.start();
        List<ResponseEntity<SseEmitter>> viewers = new ArrayList<>();
        for (int i = 0; i < ArenaStreamController.MAX_VIEWERS; i++) {
            viewers.add(controller.stream());
        }
        assertThat(viewers).allSatisfy(response -> assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK));
        ResponseEntity<SseEmitter> refused = controller.stream();
        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(refused.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(controller.viewerCount()).isEqualTo(ArenaStreamController.MAX_VIEWERS);

        controller.stop();
        assertThat(controller.isRunning()).isFalse();
        assertThat(controller.viewerCount()).isZero();
    }
}
