package dev.netcode.demo.game;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Chat lines, match events and the spectators' feed, without a network. */
class GameEventsTest {

    @Test
    void chatLinesAreTrimmedAndLoseControlCharacters() {
        assertThat(new ChatLine("  hi\u001b[2J there\r\n").cleaned()).isEqualTo("hi[2J there");
        assertThat(new ChatLine("grüße 👋").cleaned()).isEqualTo("grüße 👋");
    }

    @Test
    void emptyAndOverlongChatLinesAreRefused() {
        assertThat(new ChatLine(null).cleaned()).isNull();
        assertThat(new ChatLine(" \t\u0007 ").cleaned()).isNull();
        assertThat(new ChatLine("👋".repeat(ChatLine.MAX_CHARACTERS)).cleaned()).hasSize(2 * ChatLine.MAX_CHARACTERS);
        assertThat(new ChatLine("x".repeat(ChatLine.MAX_CHARACTERS + 1)).cleaned()).isNull();
    }

    @Test
    void eventsDescribeThemselvesWithoutControlCharacters() {
        assertThat(GameEvent.joined("alice").describe()).isEqualTo("alice joined");
        assertThat(GameEvent.left("bob").describe()).isEqualTo("bob left");
        assertThat(GameEvent.collected("bot-2").describe()).isEqualTo("bot-2 collected a coin");
        assertThat(GameEvent.chat("alice", "hi").describe()).isEqualTo("alice: hi");
        assertThat(GameEvent.notice("slow down").describe()).isEqualTo("* slow down");
        // What a modified server could send must not reach a terminal as escapes.
        assertThat(new GameEvent(GameEvent.Kind.CHAT, "eve\u001b[H", "\u009b2J\u0007").describe()).isEqualTo("eve?[H: ?2J?");
    }

    @Test
    void theWorstCaseChatEventFitsTheEventsChannel() {
        String quotes = "\"".repeat(ChatLine.MAX_CHARACTERS); // each escaped to two bytes in JSON
        String emoji = "👋".repeat(ChatLine.MAX_CHARACTERS);  // four bytes each in UTF-8
        String longestName = "n".repeat(32);                 // the user data the demo's tokens carry

        for (String text : new String[] { quotes, emoji }) {
            byte[] event = tools.jackson.databind.json.JsonMapper.builder().build()
                .writeValueAsBytes(GameEvent.chat(longestName, text));
            assertThat(event.length).as(text).isLessThanOrEqualTo(GameChannels.MAX_EVENT_BYTES);
            assertThat(EventMessages.chatLine(text).length).isLessThanOrEqualTo(GameChannels.MAX_EVENT_BYTES);
        }
    }

    @Test
    void clientsReadTheServersEventsAndNothingElse() {
        byte[] json = "{\"kind\":\"CHAT\",\"player\":\"alice\",\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[json.length + 4];
        System.arraycopy(json, 0, framed, 2, json.length);

        assertThat(EventMessages.readEvent(framed, 2, json.length)).isEqualTo(GameEvent.chat("alice", "hi"));
        for (String garbage : new String[] { "", "{", "[]", "{\"kind\":\"DANCED\",\"player\":\"x\"}", "{\"player\":\"x\"}",
                "null" }) {
            byte[] bytes = garbage.getBytes(StandardCharsets.UTF_8);
            assertThat(EventMessages.readEvent(bytes, 0, bytes.length)).as(garbage).isNull();
        }
        assertThat(new String(EventMessages.chatLine("hi"), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"hi\"}");
    }

    @Test
    void theFeedKeepsTheLatestEventsNumberedInOrder() {
        EventFeed feed = new EventFeed();
        for (int i = 1; i <= EventFeed.RETAINED + 5; i++) {
            assertThat(feed.add(GameEvent.chat("p", "line " + i)).sequence()).isEqualTo(i);
        }

        assertThat(feed.since(0)).hasSize(EventFeed.RETAINED).first()
            .satisfies(entry -> assertThat(entry.sequence()).isEqualTo(6));
        assertThat(feed.since(EventFeed.RETAINED + 3)).extracting(EventFeed.Entry::event)
            .containsExactly(GameEvent.chat("p", "line 24"), GameEvent.chat("p", "line 25"));
        assertThat(feed.since(EventFeed.RETAINED + 5)).isEmpty();
    }
}
