package dev.netcode.demo;

import java.io.PrintStream;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.netcode.demo.client.TerminalClient;

/**
 * The netcode demo: a small server-authoritative arena game. Run without arguments it is the game
 * backend and server (token endpoint, UDP game server, bots, dashboard at http://localhost:8080);
 * with {@code --client} it is the terminal client a person plays with; with {@code --help} (or
 * {@code -h}) it prints how to run either and starts nothing.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DemoApplication {

    static final String USAGE = """
            usage: java -jar demo-app.jar [--spring.profiles.active=fleet] [--PROPERTY=VALUE ...]
                   java -jar demo-app.jar --client --user NAME --password PASSWORD [...]   (--client --help for more)
              Without --client: runs the demo (dashboard and token endpoint at http://localhost:8080, the
              game server on UDP 127.0.0.1:40000, eight bots); Ctrl-C stops it. Only one runs per machine
              with the default ports: --server.port=PORT and --netcode.server.bind-address=127.0.0.1:PORT
              move it.
              --spring.profiles.active=fleet   three arenas (UDP 40000 to 40002) in one in-memory fleet
              --PROPERTY=VALUE                 any Spring Boot or netcode.* property, e.g. --netcode.private-key=HEX
              --client                         play from this terminal instead (see --client --help)""";

    public static void main(String[] args) {
        List<String> arguments = List.of(args);
        if (arguments.contains("--client")) {
            System.exit(TerminalClient.run(args, System.in, System.out, System.err));
        }
        if (printedHelp(arguments, System.out)) {
            return;
        }
        SpringApplication.run(DemoApplication.class, args);
    }

    /** Prints {@link #USAGE} when asked for help, and says whether it did (then nothing is started). */
    static boolean printedHelp(List<String> arguments, PrintStream out) {
        if (arguments.contains("--help") || arguments.contains("-h")) {
            out.println(USAGE);
            return true;
        }
        return false;
    }
}
