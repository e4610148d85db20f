package dev.netcode.boot;

/** The game server's UDP socket could not be bound (typically: the port is in use). */
public class NetcodeBindException extends RuntimeException {

    private final String bindAddress;

    public NetcodeBindException(String bindAddress, Throwable cause) {
        super("The netcode server could not bind UDP " + bindAddress + ": " + cause.getMessage(), cause);
        this.bindAddress = bindAddress;
    }

    public String getBindAddress() {
        return bindAddress;
    }
}
