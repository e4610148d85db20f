package dev.netcode.demo.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.demo.client.KeyDecoder.Key;
import dev.netcode.demo.game.ChatLine;

class KeyDecoderTest {

    @Test
    void arrowKeysAreThreeByteEscapeSequences() {
        assertThat(keys("\033[A\033[B\033[C\033[D")).containsExactly(Key.UP, Key.DOWN, Key.RIGHT, Key.LEFT);
    }

    @Test
    void wasdSpaceAndQ() {
        assertThat(keys("wasd WASD q\003")).containsExactly(Key.UP, Key.LEFT, Key.DOWN, Key.RIGHT, Key.STOP, Key.UP,
                Key.LEFT, Key.DOWN, Key.RIGHT, Key.STOP, Key.QUIT, Key.QUIT);
    }

    @Test
    void tStartsAChatLineThatEnterEnds() {
        KeyDecoder decoder = new KeyDecoder();

        assertThat(feed(decoder, "t")).containsExactly(Key.CHAT);
        assertThat(decoder.typing()).isTrue();
        // Keys that move or quit are letters now; arrows are ignored, Backspace deletes.
        assertThat(feed(decoder, "wasd q\033[Ax\177")).containsOnly(Key.EDIT).hasSize(8);
        assertThat(decoder.line()).isEqualTo("wasd q");
        assertThat(feed(decoder, "\r")).containsExactly(Key.SAY);
        assertThat(decoder.typing()).isFalse();
        assertThat(decoder.takeLine()).isEqualTo("wasd q");

        assertThat(feed(decoder, "wt\r")).containsExactly(Key.UP, Key.CHAT, Key.SAY);
        assertThat(decoder.takeLine()).isEmpty();
    }

    @Test
    void aChatLineTakesUtf8AndStopsAtTheLongestLine() {
        KeyDecoder decoder = new KeyDecoder();
        feed(decoder, "t");
        for (byte b : "grüße 👋".getBytes(StandardCharsets.UTF_8)) {
            decoder.feed(b & 0xFF);
        }
        assertThat(decoder.line()).isEqualTo("grüße 👋");
        feed(decoder, "\177\177\177");
        assertThat(decoder.line()).isEqualTo("grüß");

        feed(decoder, "x".repeat(ChatLine.MAX_CHARACTERS));
        assertThat(decoder.line()).hasSize(ChatLine.MAX_CHARACTERS).startsWith("grüßxx");
        assertThat(feed(decoder, "\003")).containsExactly(Key.QUIT);
    }

    @Test
    void otherBytesAndUnknownSequencesAreIgnored() {
        assertThat(keys("x\033[Z\033Oz1\033[A")).containsExactly(Key.UP);
    }

    private static List<Key> keys(String typed) {
        return feed(new KeyDecoder(), typed);
    }

    private static List<Key> feed(KeyDecoder decoder, String typed) {
        List<Key> keys = new ArrayList<>();
        for (char c : typed.toCharArray()) {
            Key key = decoder.feed(c);
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }
}
