package dev.netcode.demo.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;

import dev.netcode.client.ClientState;
import dev.netcode.demo.game.ChatLine;
import dev.netcode.token.InvalidConnectTokenException;

/**
 * The demo's game client for people: {@code java -jar demo-app.jar --client --user alice --password
 * alice-pass}. It does what any netcode game client does: log in over HTTP for a connect token,
 * then connect over UDP and play, on the demo's channels (inputs and snapshots unreliable, match
 * events and chat reliable and ordered). Interactive by default (arrow keys or WASD, drawn with
 * ANSI escapes, the last match events under the arena); {@code --scripted SECONDS} plays a fixed
 * pattern and prints plain lines instead, for scripts, CI and terminals without raw mode.
 *
 * <p>Exit codes: 0 played (or quit), 1 could not log in or lost the connection, 2 bad arguments.
 */
public final class TerminalClient {

    static final String USAGE = """
            usage: java -jar demo-app.jar --client --user NAME --password PASSWORD [--url URL] [--scripted SECONDS] [--say TEXT]
                   java -jar demo-app.jar --client --help
              Plays the demo arena from this terminal: arrow keys or WASD move, space stops,
              t then a line and Enter chats, q quits. The last match events show under the arena.
              --url URL           where the demo runs (default http://localhost:8080)
              --scripted SECONDS  no keyboard: walk a fixed pattern for SECONDS and print plain lines
              --say TEXT          say TEXT in the chat once connected
              Demo users: alice/alice-pass, bob/bob-pass, admin/admin-pass""";

    private TerminalClient() {
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Options options;
        try {
            options = Options.parse(args);
        }
        catch (IllegalArgumentException ex) {
            err.println("error: " + ex.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (options.scriptedSeconds() == 0 && !(in == System.in && RawTerminal.isStandardInputATerminal())) {
            err.println("error: standard input is not a terminal, so there are no keys to read;"
                    + " add --scripted SECONDS to play a fixed pattern instead");
            return 2;
        }
        TokenClient tokens = new TokenClient(options.url());
        byte[] token = login(tokens, options, err);
        if (token == null) {
            return 1;
        }
        try {
            if (options.scriptedSeconds() > 0) {
                return ScriptedPlay.run(token, options.scriptedSeconds(), options.say(), out, err);
            }
            return InteractivePlay.run(token, options.user(), options.say(), in, out, err);
        }
        catch (InvalidConnectTokenException ex) {
            err.println("error: the demo sent something that is not a connect token: " + ex.getMessage());
            return 1;
        }
        catch (IOException ex) {
            err.println("error: " + ex.getMessage());
            return 1;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Why a client that logged in never got connected, judged by the state it ended in. The game
     * server answers nothing to a request it drops, so an unanswered request has several causes.
     */
    static String whyNotConnected(ClientState state) {
        String name = state.name().toLowerCase(Locale.ROOT);
        return switch (state) {
            case SENDING_CONNECTION_REQUEST, CONNECTION_REQUEST_TIMED_OUT -> "the game server did not answer (" + name
                    + "). Likely: it stopped or is unreachable from here (a firewall, or the demo bound to 127.0.0.1"
                    + " on another machine); the demo restarted with another netcode.private-key or protocol id than"
                    + " the one that issued the token; this account still connected from another client (after a"
                    + " crash its old slot frees itself within about 5-10 s: log in again then); or the token expired."
                    + " The demo's /actuator/netcode lists what its server dropped and why";
            case CONNECTION_DENIED -> "the game server is full (" + name + "): try again when a player leaves";
            case CONNECT_TOKEN_EXPIRED -> "the token expired before the connection was made (" + name
                    + "): log in again";
            default -> "the connection was not made (" + name + "): packets lost, or the game server stopped";
        };
    }

    /** The connect token, or {@code null} after telling the user why there is none. */
    private static byte[] login(TokenClient tokens, Options options, PrintStream err) {
        try {
            return tokens.fetch(options.user(), options.password());
        }
        catch (TokenClient.RefusedException ex) {
            err.println("login failed: " + switch (ex.status()) {
                case 401 -> "wrong user or password";
                case 403 -> options.user() + " may not play";
                case 409 -> options.user() + " is already playing (connected from another client); if that client"
                        + " crashed, the game server frees its slot when the connection times out (netcode.token.timeout,"
                        + " 10 s in the demo): log in again then";
                case 429 -> "too many logins for " + options.user() + " in the last minute; try again shortly";
                default -> "the demo answered HTTP " + ex.status();
            });
        }
        catch (IOException ex) {
            err.println("login failed: cannot reach " + tokens.tokenUri() + " (" + ex + "): is the demo running?");
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** The command line; {@code scriptedSeconds} is 0 for interactive play, {@code say} null without --say. */
    record Options(String user, String password, URI url, int scriptedSeconds, String say) {

        static Options parse(String[] args) {
            String user = null;
            String password = null;
            String url = "http://localhost:8080";
            int scripted = 0;
            String say = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--client" -> {
                    }
                    case "--user" -> user = value(args, ++i, "--user");
                    case "--password" -> password = value(args, ++i, "--password");
                    case "--url" -> url = value(args, ++i, "--url");
                    case "--scripted" -> scripted = seconds(value(args, ++i, "--scripted"));
                    case "--say" -> say = chatLine(value(args, ++i, "--say"));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (user == null || password == null) {
                throw new IllegalArgumentException("--user and --password are required");
            }
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new IllegalArgumentException("--url must start with http:// or https://, got '" + url + "'");
            }
            try {
                return new Options(user, password, URI.create(url), scripted, say);
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("--url is not a URL: '" + url + "'");
            }
        }

        private static String value(String[] args, int index, String flag) {
            if (index >= args.length || args[index].startsWith("--")) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[index];
        }

        private static int seconds(String text) {
            try {
                int seconds = Integer.parseInt(text);
                if (seconds > 0) {
                    return seconds;
                }
            }
            catch (NumberFormatException ex) {
                // reported below
            }
            throw new IllegalArgumentException("--scripted needs a whole number of seconds above 0, got '" + text + "'");
        }

        private static String chatLine(String text) {
            String cleaned = new ChatLine(text).cleaned();
            if (cleaned == null) {
                throw new IllegalArgumentException("--say needs 1 to " + ChatLine.MAX_CHARACTERS
                        + " printable characters, got " + text.codePointCount(0, text.length()));
            }
            return cleaned;
        }

        /** Never shows the password, should options end up in a log. */
        @Override
        public String toString() {
            return "Options[user=" + user + ", url=" + url + ", scriptedSeconds=" + scriptedSeconds + ", say=" + say + "]";
        }
    }
}
