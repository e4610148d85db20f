package dev.netcode.server;

/** Why a slot was freed, as reported to the application (never sent on the wire). */
public enum DisconnectReason {

    /** The slot has not been disconnected since it was last filled. */
    NONE,
    /** No packet arrived from the client for the token's timeout. */
    TIMED_OUT,
    /** The client sent a disconnect packet. */
    CLIENT_DISCONNECT,
    /** The application (or a server stop) disconnected the client. */
    SERVER_DISCONNECT,
    /**
     * The client overflowed the receive window of a reliable message channel (sent a message id
     * further ahead than the channel's window allows), which a correct peer never does; the server
     * sent it disconnect packets. See {@code dev.netcode.message}.
     */
    RECEIVE_WINDOW_OVERFLOW
}
