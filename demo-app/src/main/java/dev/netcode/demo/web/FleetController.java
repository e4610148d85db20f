package dev.netcode.demo.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.fleet.NetcodeFleet;
import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.FleetArenas;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.server.NetcodeServer;

/**
 * The fleet table behind the dashboard in the {@code fleet} profile: {@code GET /arena/fleet} lists
 * every server of the fleet directory with its occupancy (connected, reserved, free slots) and, for
 * the arenas of this process, the names of the players in each. Public like the arena stream, so
 * it carries player names and server addresses only, no client ids.
 */
@RestController
@Profile("fleet")
class FleetController {

    private static final Logger log = LoggerFactory.getLogger(FleetController.class);

    private final NetcodeFleet netcodeFleet;
    private final NetcodeServer firstServer;
    private final Arena firstArena;
    private final FleetArenas arenas;
    private final String policy;

    FleetController(NetcodeFleet fleet, NetcodeServer firstServer, Arena firstArena, FleetArenas arenas,
            NetcodeProperties netcode) {
        this.netcodeFleet = fleet;
        this.firstServer = firstServer;
        this.firstArena = firstArena;
        this.arenas = arenas;
        this.policy = netcode.getFleet().getPolicy().name().toLowerCase(Locale.ROOT);
    }

    @GetMapping("/arena/fleet")
    ResponseEntity<Fleet> fleet() {
        List<FleetServer> servers;
        try {
            servers = netcodeFleet.servers();
        }
        catch (ServerDirectoryUnavailableException ex) {
            log.debug("The fleet table has no servers to show: {}", ex.getMessage());
            // Not the exception's text: this page is public, and that names where the directory runs.
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(new Fleet(netcodeFleet.directoryKind(), policy, List.of(), "the fleet directory cannot be reached"));
        }
        Map<NetcodeAddress, Arena> local = localArenas();
        List<Server> rows = new ArrayList<>(servers.size());
        for (FleetServer server : servers) {
            Arena arena = server.publicAddresses().stream().map(local::get).filter(Objects::nonNull).findFirst()
                .orElse(null);
            rows.add(Server.of(server, arena, arena != null && arena == firstArena));
        }
        return ResponseEntity.ok(new Fleet(netcodeFleet.directoryKind(), policy, rows, null));
    }

    /** The arenas of this process by the address tokens list for each. */
    private Map<NetcodeAddress, Arena> localArenas() {
        Map<NetcodeAddress, Arena> local = new HashMap<>();
        firstServer.serverAddresses().forEach(address -> local.put(address, firstArena));
        for (FleetArenas.ArenaServer arena : arenas.arenas()) {
            arena.server().serverAddresses().forEach(address -> local.put(address, arena.arena()));
        }
        return local;
    }

    /**
     * @param directory {@code in-memory} or {@code redis}
     * @param policy how the token endpoint picks a server with room: {@code pack} or {@code spread}
     * @param error why there are no servers to show, or {@code null}
     */
    record Fleet(String directory, String policy, List<Server> servers, @Nullable String error) {
    }

    /**
     * One server of the fleet as the directory lists it.
     *
     * @param players the names of the players in it, by name, when it is an arena of this process;
     *        {@code null} for a server elsewhere
     * @param spectated whether it is the arena the dashboard draws (the starter's server)
     */
    record Server(String serverId, List<String> addresses, Map<String, String> labels, int maxClients,
            int connectedClients, int reservedSlots, int freeSlots, @Nullable List<String> players,
            boolean spectated) {

        static Server of(FleetServer server, @Nullable Arena arena, boolean spectated) {
            List<String> players = arena == null ? null
                    : arena.snapshot().players().stream().map(Arena.PlayerView::name)
                        .sorted(Comparator.naturalOrder()).toList();
            return new Server(server.serverId(), server.publicAddresses().stream().map(NetcodeAddress::toString).toList(),
                    server.labels(), server.maxClients(), server.connectedClients(), server.reservedSlots(),
                    server.freeSlots(), players, spectated);
        }
    }
}
