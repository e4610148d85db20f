package dev.netcode.demo;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the demo game.
 */
@ConfigurationProperties("demo")
public class DemoProperties {

    /**
     * Number of bots that log in, fetch a token and play over UDP, so the arena is busy at once.
     */
    private int bots = 8;

    /**
     * Simulation steps (and snapshots to every player) per second.
     */
    private int tickRate = 20;

    /**
     * Accounts that may log in (HTTP Basic) and fetch connect tokens. Demo only: real games
     * authenticate players their own way.
     */
    private List<Account> users = new ArrayList<>();

    private final Fleet fleet = new Fleet();

    public int getBots() {
        return this.bots;
    }

    public void setBots(int bots) {
        this.bots = bots;
    }

    public int getTickRate() {
        return this.tickRate;
    }

    public void setTickRate(int tickRate) {
        this.tickRate = tickRate;
    }

    public List<Account> getUsers() {
        return this.users;
    }

    public void setUsers(List<Account> users) {
        this.users = users;
    }

    public Fleet getFleet() {
        return this.fleet;
    }

    /** The {@code fleet} profile's arenas besides the starter's game server. */
    public static class Fleet {

        /**
         * Comma-separated list of the UDP addresses more arenas bind, one arena each, besides the
         * starter's game server (netcode.server.*): concrete addresses, since connect tokens list
         * the address bound; port 0 binds a free port. Read only in the fleet profile.
         */
        private List<String> arenas = new ArrayList<>();

        public List<String> getArenas() {
            return this.arenas;
        }

        public void setArenas(List<String> arenas) {
            this.arenas = arenas;
        }
    }

    public static class Account {

        /**
         * User name, shown above the player in the arena.
         */
        private String name;

        /**
         * Password, in Spring Security's encoded form ({noop}… for plain text in a demo).
         */
        private String password;

        /**
         * Comma-separated list of roles: PLAYER may fetch tokens, ADMIN may also disconnect slots.
         */
        private List<String> roles = new ArrayList<>(List.of("PLAYER"));

        public String getName() {
            return this.name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getPassword() {
            return this.password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public List<String> getRoles() {
            return this.roles;
        }

        public void setRoles(List<String> roles) {
            this.roles = roles;
        }
    }
}
