package dev.netcode.demo.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.demo.client.KeyDecoder.Key;

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
    void otherBytesAndUnknownSequencesAreIgnored() {
        assertThat(keys("x\033[Z\033Oz1\033[A")).containsExactly(Key.UP);
    }

    private static List<Key> keys(String typed) {
        KeyDecoder decoder = new KeyDecoder();
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
