package dev.netcode.boot.test;

import java.nio.charset.StandardCharsets;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeSession;

/**
 * The application the kit is tested against: a real Spring Boot application whose listener answers
 * every payload with {@code echo <client id>:} in front of it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(EchoGame.Echo.class)
public class EchoGame {

    static class Echo {

        @NetcodeListener
        byte[] onPayload(NetcodeSession player, byte[] payload) {
            return ("echo " + player.clientId() + ":" + new String(payload, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
        }
    }
}
