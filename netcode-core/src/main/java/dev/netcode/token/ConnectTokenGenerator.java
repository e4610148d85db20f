package dev.netcode.token;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

import dev.netcode.NetcodeProtocol;
import dev.netcode.crypto.Aead;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.address.NetcodeAddress;

/**
 * Mints connect tokens, as a game's web backend does for each authenticated player. Each token gets
 * fresh random session keys and a random nonce. Thread-safe. {@link #close()} wipes its copy of the
 * private key.
 */
public final class ConnectTokenGenerator implements AutoCloseable {

    private final byte[] privateKey;
    private final long protocolId;
    private final LongSupplier unixSeconds;
    private volatile boolean closed;

    /** A generator on the system wall clock. */
    public ConnectTokenGenerator(byte[] privateKey, long protocolId) {
        this(privateKey, protocolId, () -> System.currentTimeMillis() / 1000);
    }

    /** A generator on an explicit wall clock (Unix seconds), for tests and simulations. */
    public ConnectTokenGenerator(byte[] privateKey, long protocolId, LongSupplier unixSeconds) {
        this.privateKey = ConnectTokenPrivate.checkKey(privateKey, "private key");
        this.protocolId = protocolId;
        this.unixSeconds = Objects.requireNonNull(unixSeconds, "unixSeconds");
    }

    /** A token whose public and internal address lists are the same. */
    public ConnectToken generate(long clientId, List<NetcodeAddress> serverAddresses, int expireSeconds,
            int timeoutSeconds, byte[] userData) {
        return generate(clientId, serverAddresses, serverAddresses, expireSeconds, timeoutSeconds, userData);
    }

    /**
     * @param publicAddresses what the client connects to, in order of preference (1..32)
     * @param internalAddresses what each server is configured with (its own address as it knows it), same count
     * @param expireSeconds lifetime from now; negative means the token never expires (development only)
     * @param timeoutSeconds connection timeout for both sides; negative disables timeouts (development only)
     * @param userData up to 256 bytes handed to the server with the connection, or {@code null}
     * @throws IllegalStateException once closed
     */
    public ConnectToken generate(long clientId, List<NetcodeAddress> publicAddresses,
            List<NetcodeAddress> internalAddresses, int expireSeconds, int timeoutSeconds, byte[] userData) {
        if (closed) {
            throw new IllegalStateException("this ConnectTokenGenerator is closed (its private key wiped)");
        }
        ConnectTokenPrivate.checkAddressCount(publicAddresses.size());
        ConnectTokenPrivate.checkAddressCount(internalAddresses.size());
        byte[] clientToServerKey = SecureRandomBytes.key();
        byte[] serverToClientKey = SecureRandomBytes.key();
        byte[] nonce = SecureRandomBytes.bytes(NetcodeProtocol.CONNECT_TOKEN_NONCE_BYTES);
        long createTimestamp = unixSeconds.getAsLong();
        long expireTimestamp = expireSeconds < 0 ? -1L : createTimestamp + expireSeconds;
        ConnectTokenPrivate privateToken = new ConnectTokenPrivate(clientId, timeoutSeconds, internalAddresses,
                clientToServerKey, serverToClientKey, userData);
        try (Aead aead = new Aead()) {
            return ConnectToken.seal(privateToken, publicAddresses, protocolId, createTimestamp, expireTimestamp, nonce,
                    privateKey, aead);
        }
    }

    public long protocolId() {
        return protocolId;
    }

    /** Zeroes this generator's copy of the private key; {@link #generate} refuses afterwards. */
    @Override
    public void close() {
        closed = true;
        Arrays.fill(privateKey, (byte) 0);
    }
}
