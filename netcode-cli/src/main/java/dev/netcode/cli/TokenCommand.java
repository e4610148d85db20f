package dev.netcode.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

/**
 * {@code token}: mints one 2048-byte connect token, as a game backend would, and writes it to a
 * file. The public addresses ({@code --server}) are what the client connects to; the internal ones
 * ({@code --internal}, default the same) go into the sealed private part and must match what each
 * server is configured with ({@code server --public}, or its bind address). The file holds the
 * session keys, so only its owner may read it ({@link SecretFile}).
 */
final class TokenCommand implements Command {

    private static final Set<String> ONCE = Set.of("key", "key-file", "protocol", "client-id", "expire", "timeout",
            "user-data", "out");
    private static final Set<String> REPEATABLE = Set.of("server", "internal");

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
                usage: netcode-cli token [--key-file FILE | --key K] --protocol P --client-id N --server ADDR
                                         [--server ADDR ...] [--internal ADDR ...] --expire SECONDS
                                         --timeout SECONDS [--user-data HEX] --out FILE
                %s
                  --protocol P       protocol id (hex, optional 0x)
                  --client-id N      unsigned 64-bit client id (decimal, or hex with 0x)
                  --server ADDR      public server address the client connects to; repeatable, 1..32, in order
                  --internal ADDR    address the server knows itself by, written into the private part;
                                     repeatable, same count as --server (default: the --server addresses)
                  --expire SECONDS   token lifetime from now; -1 never expires (development only). A server
                                     refuses tokens expiring less than 30 s after it started (restart rule)
                  --timeout SECONDS  connection timeout for both sides; -1 disables timeouts
                  --user-data HEX    up to 256 bytes handed to the server (default: zeros)
                  --out FILE         where to write the 2048 bytes (it holds the session keys): created rw-------,
                                     an existing file is replaced by a new one""".formatted(
                Args.keyUsage("the private key shared with the servers", 19));
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> environment)
            throws UsageException {
        Args args = Args.parse(argv, ONCE, REPEATABLE);
        byte[] key = args.privateKey(environment);
        long protocolId = args.protocolId("protocol");
        long clientId = args.unsignedLong("client-id");
        List<NetcodeAddress> servers = args.addresses("server");
        if (servers.isEmpty()) {
            throw new UsageException("missing required flag --server");
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

        ConnectToken token;
        try (ConnectTokenGenerator generator = new ConnectTokenGenerator(key, protocolId)) {
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
                + " expires=" + (expire < 0 ? "never" : Long.toUnsignedString(token.expireTimestamp())));
        return NetcodeCli.EXIT_OK;
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
