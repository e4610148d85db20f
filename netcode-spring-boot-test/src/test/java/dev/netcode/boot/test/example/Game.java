package dev.netcode.boot.test.example;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

import dev.netcode.boot.listener.NetcodeListener;

/**
 * The application README's "Testing your game server" tests: a listener that answers every input
 * reversed.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(Game.Reverser.class)
class Game {

    static class Reverser {

        @NetcodeListener
        byte[] onInput(byte[] input) {
            byte[] reply = new byte[input.length];
            for (int i = 0; i < input.length; i++) {
                reply[i] = input[input.length - 1 - i];
            }
            return reply;
        }
    }
}
