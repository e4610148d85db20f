package com.example.game;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.netcode.boot.listener.NetcodeClientConnectedEvent;
import dev.netcode.boot.listener.NetcodeClientDisconnectedEvent;
import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeSession;

@Component
class Game {

    private final Set<Long> players = ConcurrentHashMap.newKeySet();

    @NetcodeListener
    byte[] onInput(NetcodeSession player, byte[] input) {
        String reply = players.size() + " online, you sent " + new String(input, StandardCharsets.UTF_8);
        return reply.getBytes(StandardCharsets.UTF_8);          // the reply goes to this player
    }

    @EventListener
    void joined(NetcodeClientConnectedEvent event) {
        players.add(event.getSession().clientId());
    }

    @EventListener
    void left(NetcodeClientDisconnectedEvent event) {
        players.remove(event.getSession().clientId());
    }
}
