package dev.netcode.boot.test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeSession;

/** An application that runs channels: "chat" lines are answered on "chat"; "input" is taken silently. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ChatGame.Chat.class)
public class ChatGame {

    static class Chat {

        @NetcodeListener(channel = "chat")
        String onChat(NetcodeSession player, String line) {
            return player.clientId() + " said: " + line;
        }

        @NetcodeListener(channel = "input")
        void onInput(byte[] input) {
        }
    }
}
