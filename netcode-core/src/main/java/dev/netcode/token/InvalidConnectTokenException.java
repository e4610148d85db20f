package dev.netcode.token;

/** A connect token a client must refuse (the reference's "invalid connect token" outcome), with the reason. */
public class InvalidConnectTokenException extends Exception {

    public InvalidConnectTokenException(String reason) {
        super(reason);
    }
}
