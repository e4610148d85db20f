package dev.netcode.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.fleet.FleetRequest;
import dev.netcode.fleet.FleetReservation;
import dev.netcode.fleet.SelectionPolicy;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

/**
 * {@code token}: mints one 2048-byte connect token, as a game backend would, and writes it to a
 * file. The public addresses ({@code --server}) are what the client connects to; the internal ones
 * ({@code --internal}, default the same) go into the sealed private part and must match what each
 * server is configured with ({@code server --public}, or its bind address). The file holds the
 * session keys, so only its owner may read it ({@link SecretFile}).
 *
 * <p>With {@code --directory} the fleet directory picks the servers instead of {@code --server}: a
 * slot is reserved, in one atomic step in Redis, on the first server of the protocol (and region)
 * with room in the {@code --policy} order, and the token lists that server first and up to
 * {@code --fallback-servers} more with room ({@link FleetReservation#tokenAddresses()}, public and
 * internal alike: a server announces the addresses it checks tokens against). The reservation lasts
 * until the token expires or the player connects. No server with room: nothing written, exit
 * {@value NetcodeCli#EXIT_FLEET_FULL}; Redis unreachable: exit {@value NetcodeCli#EXIT_DIRECTORY_UNAVAILABLE}.
 */
final class TokenCommand implements Command {

    private static final Set<String> ONCE = Stream.of(Stream.of("protocol", "client-id", "expire", "timeout", "user-data",
            "out", "region", "policy", "fallback-servers"), Args.KEY_FLAGS.stream(), DirectoryFlags.FLAGS.stream())
            .flatMap(flags -> flags).collect(Collectors.toUnmodifiableSet());
    /** The flags that shape the request to the directory, only valid with {@code --directory}. */
    private static final List<String> REQUEST_FLAGS = List.of("region", "policy", "fallback-servers");
    private static final Set<String> REPEATABLE = Set.of("server", "internal");
    /** {@link FleetRequest#of}'s default, the starter's too. */
    private static final int DEFAULT_FALLBACK_SERVERS = FleetRequest.of(0, 0, Instant.EPOCH).fallbackServers();

    @Override
    public String name() {
        return "token";
    }

    @Override
    public String summary() {
        return "mint a 2048-byte connect token into a file";
    }

    @Override
    public String usage() {
        return """
                usage: netcode-cli token [--key-file FILE | --key-env NAME | --key K] --protocol P --client-id N --server ADDR
                                         [--server ADDR ...] [--internal ADDR ...] --expire SECONDS
                                         --timeout SECONDS [--user-data HEX] --out FILE
                       netcode-cli token [--key-file FILE | --key-env NAME | --key K] --protocol P --client-id N
                                         --directory redis://HOST:PORT [--key-prefix P] [--region R]
                                         [--policy pack|spread] [--fallback-servers N] --expire SECONDS
                                         --timeout SECONDS [--user-data HEX] --out FILE
                %1$s
                  --protocol P       protocol id (hex, optional 0x)
                  --client-id N      unsigned 64-bit client id (decimal, or hex with 0x)
                  --server ADDR      public server address the client connects to; repeatable, 1..32, in order
                  --internal ADDR    address the server knows itself by, written into the private part;
                                     repeatable, same count as --server (default: the --server addresses)
                  --expire SECONDS   token lifetime from now; -1 never expires (development only, not with
                                     --directory). A server refuses tokens expiring less than 30 s after it
                                     started (restart rule)
                  --timeout SECONDS  connection timeout for both sides; -1 disables timeouts
                  --user-data HEX    up to 256 bytes handed to the server (default: zeros)
                  --out FILE         where to write the 2048 bytes (it holds the session keys): created rw-------,
                                     an existing file is replaced by a new one
                instead of --server, the fleet picks the servers: a slot is reserved for the client (until the
                token expires or it connects) on the first server with room, listed first, then fallbacks:
                %2$s
                  --region R         only servers announced with --region R (default: any region)
                  --policy NAME      pack: the fullest server with room first (default); spread: the least loaded
                  --fallback-servers N
                                     how many more servers with room the token lists after it (nothing is
                                     reserved on them), 0..%3$d (default %4$d)
                prints: token out=FILE bytes=2048 client_id=N servers=ADDR,... expires=T [server_id=ID]
                exit 3 when no server has room (nothing written), 4 when the directory cannot be reached""".formatted(
                Args.keyUsage("the private key shared with the servers", 19), DirectoryFlags.usage(19),
                NetcodeProtocol.MAX_SERVERS_PER_CONNECT - 1, DEFAULT_FALLBACK_SERVERS);
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> environment)
            throws UsageException {
        Args args = Args.parse(argv, ONCE, REPEATABLE);
        byte[] key = args.privateKey(environment);
        long protocolId = args.protocolId("protocol");
        long clientId = args.unsignedLong("client-id");
        DirectoryFlags directory = DirectoryFlags.parse(args, REQUEST_FLAGS);
        List<NetcodeAddress> servers = args.addresses("server");
        if (directory != null && (!servers.isEmpty() || args.has("internal"))) {
            throw new UsageException("--directory picks the servers: give it or --server (and --internal), not both");
        }
        if (directory == null && servers.isEmpty()) {
            throw new UsageException("missing required flag --server (or --directory)");
        }
        if (servers.size() > NetcodeProtocol.MAX_SERVERS_PER_CONNECT) {
            throw new UsageException("at most " + NetcodeProtocol.MAX_SERVERS_PER_CONNECT + " --server addresses, got "
                    + servers.size());
        }
        List<NetcodeAddress> internal = args.has("internal") ? args.addresses("internal") : servers;
        if (internal.size() != servers.size()) {
            throw new UsageException("--internal must be given as many times as --server (" + servers.size()
                    + "), got " + internal.size());
        }
        int expire = lifetime(args, "expire");
        int timeout = lifetime(args, "timeout");
        byte[] userData = args.optionalHex("user-data", NetcodeProtocol.USER_DATA_BYTES);
        Path file = Path.of(args.required("out"));
        // One clock reading for the token and its reservation: the slot is held exactly as long as the token lives.
        long createTimestamp = Instant.now().getEpochSecond();

        String serverId = null;
        if (directory != null) {
            FleetRequest request = fleetRequest(args, protocolId, clientId, createTimestamp, expire);
            FleetReservation reservation;
            try (ServerDirectory fleet = directory.open(environment)) {
                reservation = fleet.reserve(request).orElse(null);
            }
            catch (ServerDirectoryUnavailableException ex) {
                return DirectoryFlags.unreachable(name(), ex, "no token written", err);
            }
            if (reservation == null) {
                err.println("netcode-cli token: the fleet is full: no server of protocol 0x" + Long.toHexString(protocolId)
                        + (args.has("region") ? " in region '" + args.optional("region") + "'" : "")
                        + " has a free slot in " + directory.uri() + "; no token written, try again later");
                return NetcodeCli.EXIT_FLEET_FULL;
            }
            servers = reservation.tokenAddresses();
            internal = servers;
            serverId = reservation.server().serverId();
        }

        ConnectToken token;
        try (ConnectTokenGenerator generator = new ConnectTokenGenerator(key, protocolId, () -> createTimestamp)) {
            token = generator.generate(clientId, servers, internal, expire, timeout, userData);
        }
        byte[] bytes = token.toBytes();
        try {
            SecretFile.replace(file, bytes, err);
        }
        catch (IOException ex) {
            err.println("netcode-cli token: cannot write " + file + ": " + ex);
            return NetcodeCli.EXIT_FAILURE;
        }
        out.println("token out=" + file + " bytes=" + bytes.length + " client_id=" + Long.toUnsignedString(clientId)
                + " servers=" + servers.stream().map(NetcodeAddress::toString).collect(Collectors.joining(","))
                + " expires=" + (expire < 0 ? "never" : Long.toUnsignedString(token.expireTimestamp()))
                + (serverId == null ? "" : " server_id=" + serverId));
        return NetcodeCli.EXIT_OK;
    }

    /** The request to the directory: this protocol and client, the token's lifetime, shaped by the request flags. */
    private static FleetRequest fleetRequest(Args args, long protocolId, long clientId, long createTimestamp,
            int expire) throws UsageException {
        if (expire < 0) {
            throw new UsageException("--expire -1 (never) cannot be used with --directory: the slot reserved for the"
                    + " token would be held forever");
        }
        FleetRequest request = FleetRequest.of(protocolId, clientId, Instant.ofEpochSecond(createTimestamp + expire))
                .withPolicy(policy(args))
                .withFallbackServers(args.intIn("fallback-servers", 0, NetcodeProtocol.MAX_SERVERS_PER_CONNECT - 1,
                        DEFAULT_FALLBACK_SERVERS));
        String region = DirectoryFlags.region(args);
        return region == null ? request : request.region(region);
    }

    private static SelectionPolicy policy(Args args) throws UsageException {
        String text = args.optional("policy");
        if (text == null) {
            return SelectionPolicy.PACK;
        }
        for (SelectionPolicy policy : SelectionPolicy.values()) {
            if (policy.name().equalsIgnoreCase(text.trim())) {
                return policy;
            }
        }
        throw new UsageException("--policy must be pack or spread, got '" + text + "'");
    }

    /** Seconds, 1 or more, or -1 for "never". */
    private static int lifetime(Args args, String flag) throws UsageException {
        int value = args.intIn(flag, -1, Integer.MAX_VALUE);
        if (value == 0) {
            throw new UsageException("--" + flag + " must be at least 1 second, or -1 for never");
        }
        return value;
    }
}
