package dev.netcode.token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.Aead;

/**
 * The 2048-byte connect token a backend hands to a client: public fields the client reads (the
 * server addresses to try, the session keys, the timeout) around the sealed private part it
 * forwards, unread, in its connection request.
 *
 * <p>Layout: version (13) at 0, protocol id at 13, create timestamp at 21, expire timestamp at 29,
 * nonce (24) at 37, sealed private part (1024) at 61, timeout (i32) at 1085, address count (u32)
 * at 1089, public addresses from 1093, then both keys, then zeros. Timestamps are unsigned Unix
 * seconds; an expiry of {@code 0xFFFFFFFFFFFFFFFF} ({@code -1L}) means "never".
 */
public final class ConnectToken {

    public static final int PROTOCOL_ID_OFFSET = 13;
    public static final int CREATE_TIMESTAMP_OFFSET = 21;
    public static final int EXPIRE_TIMESTAMP_OFFSET = 29;
    public static final int NONCE_OFFSET = 37;
    public static final int PRIVATE_OFFSET = 61;
    public static final int TIMEOUT_OFFSET = 1085;
    public static final int ADDRESS_COUNT_OFFSET = 1089;
    public static final int ADDRESSES_OFFSET = 1093;

    private final long protocolId;
    private final long createTimestamp;
    private final long expireTimestamp;
    private final byte[] nonce;
    private final byte[] sealedPrivate;
    private final int timeoutSeconds;
    private final List<NetcodeAddress> serverAddresses;
    private final byte[] clientToServerKey;
    private final byte[] serverToClientKey;

    public ConnectToken(long protocolId, long createTimestamp, long expireTimestamp, byte[] nonce, byte[] sealedPrivate,
            int timeoutSeconds, List<NetcodeAddress> serverAddresses, byte[] clientToServerKey,
            byte[] serverToClientKey) {
        if (nonce.length != NetcodeProtocol.CONNECT_TOKEN_NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be 24 bytes, got " + nonce.length);
        }
        if (sealedPrivate.length != NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES) {
            throw new IllegalArgumentException("sealed private token must be 1024 bytes, got " + sealedPrivate.length);
        }
        ConnectTokenPrivate.checkAddressCount(serverAddresses.size());
        this.protocolId = protocolId;
        this.createTimestamp = createTimestamp;
        this.expireTimestamp = expireTimestamp;
        this.nonce = nonce.clone();
        this.sealedPrivate = sealedPrivate.clone();
        this.timeoutSeconds = timeoutSeconds;
        this.serverAddresses = List.copyOf(serverAddresses);
        this.clientToServerKey = ConnectTokenPrivate.checkKey(clientToServerKey, "client-to-server key");
        this.serverToClientKey = ConnectTokenPrivate.checkKey(serverToClientKey, "server-to-client key");
    }

    /**
     * Seals {@code privateToken} and wraps it in a public token listing {@code publicAddresses}
     * (what the client connects to; the private token lists the internal addresses, which may differ
     * behind NAT or a load balancer).
     */
    public static ConnectToken seal(ConnectTokenPrivate privateToken, List<NetcodeAddress> publicAddresses,
            long protocolId, long createTimestamp, long expireTimestamp, byte[] nonce, byte[] privateKey, Aead aead) {
        if (publicAddresses.size() != privateToken.serverAddresses().size()) {
            throw new IllegalArgumentException("public and internal address lists differ in length: "
                    + publicAddresses.size() + " vs " + privateToken.serverAddresses().size());
        }
        byte[] sealed = new byte[NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES];
        privateToken.write(sealed, 0);
        ConnectTokenPrivate.encrypt(aead, sealed, 0, protocolId, expireTimestamp, nonce, privateKey);
        return new ConnectToken(protocolId, createTimestamp, expireTimestamp, nonce, sealed,
                privateToken.timeoutSeconds(), publicAddresses, privateToken.clientToServerKey(),
                privateToken.serverToClientKey());
    }

    /** The 2048 bytes of this token. */
    public byte[] toBytes() {
        byte[] out = new byte[NetcodeProtocol.CONNECT_TOKEN_BYTES];
        NetcodeProtocol.writeVersionInfo(out, 0);
        Bytes.writeU64(out, PROTOCOL_ID_OFFSET, protocolId);
        Bytes.writeU64(out, CREATE_TIMESTAMP_OFFSET, createTimestamp);
        Bytes.writeU64(out, EXPIRE_TIMESTAMP_OFFSET, expireTimestamp);
        System.arraycopy(nonce, 0, out, NONCE_OFFSET, nonce.length);
        System.arraycopy(sealedPrivate, 0, out, PRIVATE_OFFSET, sealedPrivate.length);
        Bytes.writeU32(out, TIMEOUT_OFFSET, timeoutSeconds);
        Bytes.writeU32(out, ADDRESS_COUNT_OFFSET, serverAddresses.size());
        int p = ADDRESSES_OFFSET;
        for (NetcodeAddress address : serverAddresses) {
            p = address.write(out, p);
        }
        System.arraycopy(clientToServerKey, 0, out, p, NetcodeProtocol.KEY_BYTES);
        System.arraycopy(serverToClientKey, 0, out, p + NetcodeProtocol.KEY_BYTES, NetcodeProtocol.KEY_BYTES);
        return out;
    }

    /**
     * Reads and validates a token as a client does: exactly 2048 bytes, the 1.02 version string,
     * create timestamp not after the expiry (unsigned), 1..32 addresses of type 1 or 2. The
     * protocol id, the wall-clock expiry and the private part are not checked here.
     */
    public static ConnectToken read(byte[] token) throws InvalidConnectTokenException {
        if (token == null || token.length != NetcodeProtocol.CONNECT_TOKEN_BYTES) {
            throw new InvalidConnectTokenException("a connect token is exactly " + NetcodeProtocol.CONNECT_TOKEN_BYTES
                    + " bytes, got " + (token == null ? "none" : token.length));
        }
        if (!NetcodeProtocol.isVersionInfo(token, 0)) {
            throw new InvalidConnectTokenException("not a netcode 1.02 connect token (version info mismatch)");
        }
        long createTimestamp = Bytes.readU64(token, CREATE_TIMESTAMP_OFFSET);
        long expireTimestamp = Bytes.readU64(token, EXPIRE_TIMESTAMP_OFFSET);
        if (Long.compareUnsigned(createTimestamp, expireTimestamp) > 0) {
            throw new InvalidConnectTokenException("create timestamp is after the expire timestamp");
        }
        int count = Bytes.readU32(token, ADDRESS_COUNT_OFFSET);
        if (count < 1 || count > NetcodeProtocol.MAX_SERVERS_PER_CONNECT) {
            throw new InvalidConnectTokenException("server address count must be 1.."
                    + NetcodeProtocol.MAX_SERVERS_PER_CONNECT + ", got " + Integer.toUnsignedString(count));
        }
        List<NetcodeAddress> addresses = new ArrayList<>(count);
        int p = ADDRESSES_OFFSET;
        for (int i = 0; i < count; i++) {
            NetcodeAddress address = NetcodeAddress.read(token, p, token.length);
            if (address == null) {
                throw new InvalidConnectTokenException("server address " + i + " has an invalid type ("
                        + (token[p] & 0xFF) + ")");
            }
            addresses.add(address);
            p += address.encodedLength();
        }
        byte[] c2s = Arrays.copyOfRange(token, p, p + NetcodeProtocol.KEY_BYTES);
        byte[] s2c = Arrays.copyOfRange(token, p + NetcodeProtocol.KEY_BYTES, p + 2 * NetcodeProtocol.KEY_BYTES);
        return new ConnectToken(Bytes.readU64(token, PROTOCOL_ID_OFFSET), createTimestamp, expireTimestamp,
                Arrays.copyOfRange(token, NONCE_OFFSET, NONCE_OFFSET + NetcodeProtocol.CONNECT_TOKEN_NONCE_BYTES),
                Arrays.copyOfRange(token, PRIVATE_OFFSET, PRIVATE_OFFSET + NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES),
                Bytes.readU32(token, TIMEOUT_OFFSET), addresses, c2s, s2c);
    }

    public long protocolId() {
        return protocolId;
    }

    public long createTimestamp() {
        return createTimestamp;
    }

    /** Unsigned Unix seconds; {@code -1L} means never. */
    public long expireTimestamp() {
        return expireTimestamp;
    }

    public byte[] nonce() {
        return nonce.clone();
    }

    /** The sealed private part, exactly as the connection request carries it. */
    public byte[] sealedPrivate() {
        return sealedPrivate.clone();
    }

    /** Copies the sealed private part into {@code out} without allocating. */
    public void copySealedPrivate(byte[] out, int offset) {
        System.arraycopy(sealedPrivate, 0, out, offset, sealedPrivate.length);
    }

    /** Copies the nonce into {@code out} without allocating. */
    public void copyNonce(byte[] out, int offset) {
        System.arraycopy(nonce, 0, out, offset, nonce.length);
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** The public server addresses, in the order a client tries them. */
    public List<NetcodeAddress> serverAddresses() {
        return serverAddresses;
    }

    public byte[] clientToServerKey() {
        return clientToServerKey.clone();
    }

    public byte[] serverToClientKey() {
        return serverToClientKey.clone();
    }

    /** Never prints the keys. */
    @Override
    public String toString() {
        return "ConnectToken[protocolId=0x" + Long.toHexString(protocolId) + ", created="
                + Long.toUnsignedString(createTimestamp) + ", expires=" + Long.toUnsignedString(expireTimestamp)
                + ", timeoutSeconds=" + timeoutSeconds + ", serverAddresses=" + serverAddresses + "]";
    }
}
