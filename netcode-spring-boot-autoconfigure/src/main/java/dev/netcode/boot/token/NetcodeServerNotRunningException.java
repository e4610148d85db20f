package dev.netcode.boot.token;

/**
 * No connect token can be issued yet: the game server in this application is not running (its UDP
 * socket is not bound yet, or it is stopping), so the addresses a token must list are not known or
 * not served. The token endpoint answers 503 Service Unavailable with {@code Retry-After}.
 */
public class NetcodeServerNotRunningException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public NetcodeServerNotRunningException() {
        super("The netcode server in this application is not running: its UDP socket is not bound yet, or it is "
                + "stopping");
    }
}
