package dev.netcode.demo.game;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ArenaConfiguration {

    @Bean
    Arena arena() {
        return new Arena(System.nanoTime());
    }

    @Bean
    EventFeed eventFeed() {
        return new EventFeed();
    }
}
