package dev.netcode.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.ServerDirectoryUnavailableException;

/**
 * {@code fleet}: the servers listed in the fleet directory now, as a table (one row per server, by
 * id), then a summary line:
 * <pre>
 * SERVER  PROTOCOL  REGION  LABELS  ADDRESSES        MAX  CONNECTED  RESERVED  FREE  AGE
 * eu-1    0x4e4554  eu      -       127.0.0.1:40000    4          1         1     2  1m05s
 * summary servers=1 max=4 connected=1 reserved=1 free=2
 * </pre>
 * Reserved slots are held for players with a token who have not connected yet; age is the time
 * since the server started, by this machine's clock. Entries the directory cannot read are skipped
 * and counted on stderr.
 */
final class FleetCommand implements Command {

    private static final List<String> HEADER = List.of("SERVER", "PROTOCOL", "REGION", "LABELS", "ADDRESSES", "MAX",
            "CONNECTED", "RESERVED", "FREE", "AGE");
    /** The columns printed right-aligned: the numbers. */
    private static final Set<Integer> NUMERIC = Set.of(5, 6, 7, 8);

    @Override
    public String name() {
        return "fleet";
    }

    @Override
    public String summary() {
        return "print the servers listed in a fleet directory (Redis) and their free slots";
    }

    @Override
    public String usage() {
        return """
                usage: netcode-cli fleet --directory redis://HOST:PORT [--key-prefix P]
                %s
                prints: a table (SERVER PROTOCOL REGION LABELS ADDRESSES MAX CONNECTED RESERVED FREE AGE), one
                        row per listed server, then: summary servers=N max=N connected=N reserved=N free=N
                        RESERVED counts slots held for tokens not used yet, AGE the time since the server started
                exit 4 when the directory cannot be reached""".formatted(DirectoryFlags.usage(19));
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> environment)
            throws UsageException {
        Args args = Args.parse(argv, DirectoryFlags.FLAGS, Set.of());
        DirectoryFlags directory = DirectoryFlags.parse(args, List.of());
        if (directory == null) {
            throw new UsageException("missing required flag --directory");
        }
        List<FleetServer> servers;
        long malformed;
        try (ServerDirectory fleet = directory.open(environment)) {
            servers = fleet.servers();
            malformed = fleet.statistics().malformedEntries();
        }
        catch (ServerDirectoryUnavailableException ex) {
            return DirectoryFlags.unreachable(name(), ex, "nothing to show", err);
        }
        Instant now = Instant.now();
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (FleetServer server : servers) {
            Map<String, String> others = new TreeMap<>(server.labels());
            String region = others.remove(ServerAnnouncement.REGION_LABEL);
            rows.add(List.of(server.serverId(), "0x" + Long.toHexString(server.protocolId()), orDash(region),
                    orDash(others.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(","))),
                    server.publicAddresses().stream().map(NetcodeAddress::toString).collect(Collectors.joining(",")),
                    Integer.toString(server.maxClients()), Integer.toString(server.connectedClients()),
                    Integer.toString(server.reservedSlots()), Integer.toString(server.freeSlots()),
                    age(Duration.between(server.startedAt(), now))));
        }
        for (String line : table(rows)) {
            out.println(line);
        }
        out.println("summary servers=" + servers.size() + " max=" + sum(servers, FleetServer::maxClients)
                + " connected=" + sum(servers, FleetServer::connectedClients) + " reserved="
                + sum(servers, FleetServer::reservedSlots) + " free=" + sum(servers, FleetServer::freeSlots));
        if (malformed > 0) {
            err.println("netcode-cli fleet: warning: " + malformed + " directory entries could not be read and were"
                    + " skipped");
        }
        return NetcodeCli.EXIT_OK;
    }

    /**
     * The rows with each column as wide as its widest cell, two spaces apart, numbers right-aligned.
     * Control characters (which any process writing to Redis could put in a label) print as '?', so
     * an entry cannot rewrite the operator's terminal.
     */
    private static List<String> table(List<List<String>> cells) {
        List<List<String>> rows = cells.stream()
                .map(row -> row.stream().map(cell -> cell.codePoints()
                        .map(c -> Character.isISOControl(c) ? '?' : c)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString())
                        .toList())
                .toList();
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String format = NUMERIC.contains(i) ? "%" + widths[i] + "s" : "%-" + widths[i] + "s";
                line.append(format.formatted(row.get(i)));
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** 45s, 12m03s, 5h02m, 3d04h; a start in the future (clock skew between hosts) counts as 0s. */
    static String age(Duration age) {
        long seconds = Math.max(0, age.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return "%dm%02ds".formatted(seconds / 60, seconds % 60);
        }
        if (seconds < 86400) {
            return "%dh%02dm".formatted(seconds / 3600, seconds % 3600 / 60);
        }
        return "%dd%02dh".formatted(seconds / 86400, seconds % 86400 / 3600);
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    private static long sum(List<FleetServer> servers, ToIntFunction<FleetServer> field) {
        return servers.stream().mapToLong(field::applyAsInt).sum();
    }
}
