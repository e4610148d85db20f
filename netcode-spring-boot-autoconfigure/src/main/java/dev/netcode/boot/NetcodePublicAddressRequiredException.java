package dev.netcode.boot;

/**
 * The server binds a wildcard address but no public address says where clients reach it, so no
 * connect token could ever name it.
 */
public class NetcodePublicAddressRequiredException extends RuntimeException {

    private final String bindAddress;

    public NetcodePublicAddressRequiredException(String bindAddress) {
        super("The netcode server binds the wildcard address " + bindAddress
                + " but no public address is configured");
        this.bindAddress = bindAddress;
    }

    public String getBindAddress() {
        return bindAddress;
    }
}
