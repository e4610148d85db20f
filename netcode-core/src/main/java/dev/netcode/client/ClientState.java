package dev.netcode.client;

/** The client's states, with the reference's numeric codes: negative codes are terminal errors. */
public enum ClientState {

    CONNECT_TOKEN_EXPIRED(-6),
    INVALID_CONNECT_TOKEN(-5),
    CONNECTION_TIMED_OUT(-4),
    CONNECTION_RESPONSE_TIMED_OUT(-3),
    CONNECTION_REQUEST_TIMED_OUT(-2),
    CONNECTION_DENIED(-1),
    DISCONNECTED(0),
    SENDING_CONNECTION_REQUEST(1),
    SENDING_CONNECTION_RESPONSE(2),
    CONNECTED(3);

    private final int code;

    ClientState(int code) {
        this.code = code;
    }

    /** The reference's state number (-6..3). */
    public int code() {
        return code;
    }

    public boolean isError() {
        return code < 0;
    }

    /** Whether the client is trying to connect or connected (codes 1..3). */
    public boolean isActive() {
        return code > 0;
    }
}
