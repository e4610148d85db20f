package dev.netcode.token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.Aead;

/**
 * The secret part of a connect token, which only servers holding the private key can read. It
 * lists the <em>internal</em> server addresses (what a server checks its own address against) and
 * carries the session keys and the application's user data.
 *
 * <p>Plaintext layout in a zero-filled 1024-byte block: client id (u64), timeout seconds (i32),
 * address count (u32, 1..32), addresses, client-to-server key, server-to-client key, user data
 * (256). Bytes 0..1007 are sealed with XChaCha20-Poly1305; the tag takes bytes 1008..1023.
 */
public final class ConnectTokenPrivate {

    /** Bytes covered by the encryption; the tag follows. */
    public static final int SEALED_BYTES = NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES - NetcodeProtocol.MAC_BYTES;
    /** version (13) ‖ protocol id (u64) ‖ expire timestamp (u64). */
    public static final int ASSOCIATED_DATA_BYTES = NetcodeProtocol.VERSION_INFO_BYTES + 16;

    private final long clientId;
    private final int timeoutSeconds;
    private final List<NetcodeAddress> serverAddresses;
    private final byte[] clientToServerKey;
    private final byte[] serverToClientKey;
    private final byte[] userData;

    /**
     * @param timeoutSeconds seconds without packets before either side times out; negative disables timeouts
     * @param userData up to 256 bytes (zero-padded), or {@code null} for none
     */
    public ConnectTokenPrivate(long clientId, int timeoutSeconds, List<NetcodeAddress> serverAddresses,
            byte[] clientToServerKey, byte[] serverToClientKey, byte[] userData) {
        checkAddressCount(serverAddresses.size());
        this.clientId = clientId;
        this.timeoutSeconds = timeoutSeconds;
        this.serverAddresses = List.copyOf(serverAddresses);
        this.clientToServerKey = checkKey(clientToServerKey, "client-to-server key");
        this.serverToClientKey = checkKey(serverToClientKey, "server-to-client key");
        this.userData = padUserData(userData);
    }

    static void checkAddressCount(int count) {
        if (count < 1 || count > NetcodeProtocol.MAX_SERVERS_PER_CONNECT) {
            throw new IllegalArgumentException(
                    "a connect token lists 1 to " + NetcodeProtocol.MAX_SERVERS_PER_CONNECT + " server addresses, got " + count);
        }
    }

    static byte[] checkKey(byte[] key, String what) {
        if (key == null || key.length != NetcodeProtocol.KEY_BYTES) {
            throw new IllegalArgumentException(what + " must be " + NetcodeProtocol.KEY_BYTES + " bytes, got "
                    + (key == null ? "none" : key.length));
        }
        return key.clone();
    }

    static byte[] padUserData(byte[] userData) {
        if (userData == null) {
            return new byte[NetcodeProtocol.USER_DATA_BYTES];
        }
        if (userData.length > NetcodeProtocol.USER_DATA_BYTES) {
            throw new IllegalArgumentException("user data is at most " + NetcodeProtocol.USER_DATA_BYTES + " bytes, got "
                    + userData.length);
        }
        return Arrays.copyOf(userData, NetcodeProtocol.USER_DATA_BYTES);
    }

    /** Writes the plaintext into {@code buf[offset, offset + 1024)}, zero-filling the rest. */
    public void write(byte[] buf, int offset) {
        Arrays.fill(buf, offset, offset + NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES, (byte) 0);
        Bytes.writeU64(buf, offset, clientId);
        Bytes.writeU32(buf, offset + 8, timeoutSeconds);
        Bytes.writeU32(buf, offset + 12, serverAddresses.size());
        int p = offset + 16;
        for (NetcodeAddress address : serverAddresses) {
            p = address.write(buf, p);
        }
        System.arraycopy(clientToServerKey, 0, buf, p, NetcodeProtocol.KEY_BYTES);
        p += NetcodeProtocol.KEY_BYTES;
        System.arraycopy(serverToClientKey, 0, buf, p, NetcodeProtocol.KEY_BYTES);
        p += NetcodeProtocol.KEY_BYTES;
        System.arraycopy(userData, 0, buf, p, NetcodeProtocol.USER_DATA_BYTES);
    }

    /**
     * Reads a decrypted private token, or returns {@code null} when it is invalid (address count
     * outside 1..32, an address type other than 1 or 2). Nothing else is validated, as in the reference.
     */
    public static ConnectTokenPrivate read(byte[] buf, int offset) {
        int limit = offset + SEALED_BYTES;
        long clientId = Bytes.readU64(buf, offset);
        int timeoutSeconds = Bytes.readU32(buf, offset + 8);
        int count = Bytes.readU32(buf, offset + 12);
        if (count < 1 || count > NetcodeProtocol.MAX_SERVERS_PER_CONNECT) {
            return null;
        }
        List<NetcodeAddress> addresses = new ArrayList<>(count);
        int p = offset + 16;
        for (int i = 0; i < count; i++) {
            NetcodeAddress address = NetcodeAddress.read(buf, p, limit);
            if (address == null) {
                return null;
            }
            addresses.add(address);
            p += address.encodedLength();
        }
        if (p + 2 * NetcodeProtocol.KEY_BYTES + NetcodeProtocol.USER_DATA_BYTES > limit) {
            return null;
        }
        byte[] c2s = Arrays.copyOfRange(buf, p, p + NetcodeProtocol.KEY_BYTES);
        p += NetcodeProtocol.KEY_BYTES;
        byte[] s2c = Arrays.copyOfRange(buf, p, p + NetcodeProtocol.KEY_BYTES);
        p += NetcodeProtocol.KEY_BYTES;
        byte[] userData = Arrays.copyOfRange(buf, p, p + NetcodeProtocol.USER_DATA_BYTES);
        return new ConnectTokenPrivate(clientId, timeoutSeconds, addresses, c2s, s2c, userData);
    }

    /** Writes the 29 bytes of associated data that bind a private token to its protocol id and expiry. */
    public static void writeAssociatedData(byte[] out, long protocolId, long expireTimestamp) {
        NetcodeProtocol.writeVersionInfo(out, 0);
        Bytes.writeU64(out, NetcodeProtocol.VERSION_INFO_BYTES, protocolId);
        Bytes.writeU64(out, NetcodeProtocol.VERSION_INFO_BYTES + 8, expireTimestamp);
    }

    /** Seals the plaintext at {@code buf[offset, offset + 1024)} in place. */
    public static void encrypt(Aead aead, byte[] buf, int offset, long protocolId, long expireTimestamp, byte[] nonce,
            byte[] privateKey) {
        byte[] ad = new byte[ASSOCIATED_DATA_BYTES];
        writeAssociatedData(ad, protocolId, expireTimestamp);
        aead.encryptX(buf, offset, SEALED_BYTES, ad, ad.length, nonce, 0, privateKey);
    }

    /** Opens a sealed private token at {@code buf[offset, offset + 1024)} in place; false if it does not authenticate. */
    public static boolean decrypt(Aead aead, byte[] buf, int offset, long protocolId, long expireTimestamp,
            byte[] nonce, byte[] privateKey) {
        byte[] ad = new byte[ASSOCIATED_DATA_BYTES];
        writeAssociatedData(ad, protocolId, expireTimestamp);
        return aead.decryptX(buf, offset, NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES, ad, ad.length, nonce, 0,
                privateKey);
    }

    public long clientId() {
        return clientId;
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** The internal server addresses, in token order. */
    public List<NetcodeAddress> serverAddresses() {
        return serverAddresses;
    }

    public byte[] clientToServerKey() {
        return clientToServerKey.clone();
    }

    public byte[] serverToClientKey() {
        return serverToClientKey.clone();
    }

    /** The 256 bytes of user data (zero-padded). */
    public byte[] userData() {
        return userData.clone();
    }

    /** Never prints the keys. */
    @Override
    public String toString() {
        return "ConnectTokenPrivate[clientId=" + Long.toUnsignedString(clientId) + ", timeoutSeconds=" + timeoutSeconds
                + ", serverAddresses=" + serverAddresses + "]";
    }
}
