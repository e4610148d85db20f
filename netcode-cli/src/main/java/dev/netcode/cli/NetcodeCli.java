package dev.netcode.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code netcode-cli}: command line tools for operators and interop tests around the netcode.io
 * 1.02 protocol: a key generator, a connect-token minter, an echo server, a test client, a load
 * generator, and a view of the fleet directory in Redis that servers announce themselves in and
 * token minters reserve slots from.
 *
 * <p>{@link #run} is the whole program with its streams, environment and exit code passed in, so
 * tests run commands in-process; {@link #main} only wires it to the console and {@link System#exit}. Exit
 * codes: {@value #EXIT_OK} success, {@value #EXIT_FAILURE} runtime failure, {@value #EXIT_USAGE}
 * bad or missing arguments (after the usage on stderr), {@value #EXIT_FLEET_FULL} no server in the
 * fleet has room (a client may try again later), {@value #EXIT_DIRECTORY_UNAVAILABLE} the fleet
 * directory cannot be reached.
 */
public final class NetcodeCli {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_FLEET_FULL = 3;
    public static final int EXIT_DIRECTORY_UNAVAILABLE = 4;

    private static final List<Command> COMMANDS = List.of(new KeygenCommand(), new TokenCommand(),
            new EchoServerCommand(), new ClientCommand(), new LoadCommand(), new FleetCommand());

    private NetcodeCli() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.getenv());
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /**
     * Runs one command line.
     *
     * @param environment environment variables; only {@value Args#KEY_ENVIRONMENT_VARIABLE} and
     *        {@code NETCODE_REDIS_PASSWORD} are read
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        if (args.length == 0) {
            err.println(usage());
            return EXIT_USAGE;
        }
        String name = args[0];
        if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
            out.println(usage());
            return EXIT_OK;
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (command == null) {
            err.println("netcode-cli: unknown command '" + name + "'");
            err.println(usage());
            return EXIT_USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            out.println(command.usage());
            return EXIT_OK;
        }
        try {
            return command.run(rest, out, err, environment);
        }
        catch (UsageException ex) {
            err.println("netcode-cli " + name + ": " + ex.getMessage());
            err.println(command.usage());
            return EXIT_USAGE;
        }
        catch (RuntimeException ex) {
            err.println("netcode-cli " + name + ": " + ex);
            return EXIT_FAILURE;
        }
        finally {
            out.flush();
            err.flush();
        }
    }

    /** The overall usage: every command with a one-line summary. */
    public static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: netcode-cli <command> [flags]      (netcode.io 1.02)\n\ncommands:\n");
        for (Command command : COMMANDS) {
            sb.append(String.format("  %-8s %s%n", command.name(), command.summary()));
        }
        sb.append("\n'netcode-cli <command> --help' shows a command's flags. Keys are 64 hex digits, read from\n")
                .append("--key-file FILE, from the environment variable --key-env NAME names, from --key K (which\n")
                .append("other users see in the process list) or, with none of them, from $")
                .append(Args.KEY_ENVIRONMENT_VARIABLE).append(".\n")
                .append("Protocol ids are hex (optional 0x), addresses a.b.c.d:port or [ipv6]:port.\n")
                .append("Fleet directories are redis://HOST:PORT (server, token and fleet --directory).\n")
                .append("Exit codes: 0 success, 1 runtime failure, 2 bad or missing arguments, 3 the fleet is full,\n")
                .append("4 the fleet directory cannot be reached.");
        return sb.toString();
    }
}
