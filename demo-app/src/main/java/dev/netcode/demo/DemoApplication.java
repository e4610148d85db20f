package dev.netcode.demo;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.netcode.demo.client.TerminalClient;

/**
 * The netcode demo: a small server-authoritative arena game. Run without arguments it is the game
 * backend and server (token endpoint, UDP game server, bots, dashboard at http://localhost:8080);
 * with {@code --client} it is the terminal client a person plays with.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DemoApplication {

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--client")) {
            System.exit(TerminalClient.run(args, System.in, System.out, System.err));
        }
        SpringApplication.run(DemoApplication.class, args);
    }
}
