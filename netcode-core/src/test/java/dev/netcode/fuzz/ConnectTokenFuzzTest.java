package dev.netcode.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.fuzz.FuzzFixtures.CapturingTransport;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.InvalidConnectTokenException;

/**
 * Fuzzes the public connect token reader, {@link ConnectToken#read}, as a client applies it to
 * whatever its backend (or a man in the middle of a misconfigured backend) hands it.
 *
 * <p>Input: the token. It is read as given (any length but 2048 must be refused) and padded or cut
 * to 2048 bytes, so the fuzzer explores the contents rather than the length check.
 *
 * <p>Checks: only {@link InvalidConnectTokenException} ever comes out; an accepted token has 1..32
 * addresses and writes back to the same bytes up to the end of its keys (zeros after); a client
 * given the token either refuses it ({@link ClientState#INVALID_CONNECT_TOKEN}) or starts
 * connecting to its first address, and its first update sends a 1078-byte connection request
 * carrying the token's sealed part, unchanged.
 */
class ConnectTokenFuzzTest {

    private static final NetcodeAddress CLIENT = NetcodeAddress.parse("198.51.100.7:50007");

    @FuzzTest
    void readPublicToken(byte[] data) {
        check(data);
        if (data.length != NetcodeProtocol.CONNECT_TOKEN_BYTES) {
            check(Arrays.copyOf(data, NetcodeProtocol.CONNECT_TOKEN_BYTES));
        }
    }

    private static void check(byte[] bytes) {
        byte[] input = bytes.clone();
        ConnectToken token;
        try {
            token = ConnectToken.read(input);
        }
        catch (InvalidConnectTokenException ex) {
            token = null;
        }
        assertThat(input).as("the reader modified its input").isEqualTo(bytes);
        if (token != null) {
            assertThat(bytes).hasSize(NetcodeProtocol.CONNECT_TOKEN_BYTES);
            assertThat(token.serverAddresses()).hasSizeBetween(1, NetcodeProtocol.MAX_SERVERS_PER_CONNECT);
            assertThat(Long.compareUnsigned(token.createTimestamp(), token.expireTimestamp())).isLessThanOrEqualTo(0);
            int keysEnd = ConnectToken.ADDRESSES_OFFSET + 2 * NetcodeProtocol.KEY_BYTES;
            for (NetcodeAddress address : token.serverAddresses()) {
                keysEnd += address.encodedLength();
            }
            byte[] written = token.toBytes();
            assertThat(Arrays.equals(written, 0, keysEnd, bytes, 0, keysEnd))
                    .as("token does not write back to what was read").isTrue();
            for (int i = keysEnd; i < written.length; i++) {
                assertThat(written[i]).isZero();
            }
        }

        CapturingTransport transport = new CapturingTransport(CLIENT);
        try (ClientStateMachine client = new ClientStateMachine(transport, 0.0)) {
            client.connect(bytes.clone());
            if (token == null) {
                assertThat(client.state()).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
                client.update(0.5);
                assertThat(client.state()).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
                assertThat(transport.sent).isEmpty();
                return;
            }
            assertThat(client.state()).isEqualTo(ClientState.SENDING_CONNECTION_REQUEST);
            assertThat(client.serverAddress()).isEqualTo(token.serverAddresses().get(0));
            client.update(0.01);
            // A token whose expiry equals its creation time has no time for a handshake.
            assertThat(client.state()).isIn(ClientState.SENDING_CONNECTION_REQUEST, ClientState.CONNECT_TOKEN_EXPIRED);
            assertThat(transport.sent).isNotEmpty();
            byte[] request = transport.sent.get(0).bytes();
            assertThat(transport.sent.get(0).to()).isEqualTo(token.serverAddresses().get(0));
            assertThat(request).hasSize(NetcodeProtocol.CONNECTION_REQUEST_BYTES);
            assertThat(request[0]).isZero();
            assertThat(Bytes.readU64(request, 14)).isEqualTo(token.protocolId());
            assertThat(Bytes.readU64(request, 22)).isEqualTo(token.expireTimestamp());
            assertThat(Arrays.equals(request, 30, 54, bytes, ConnectToken.NONCE_OFFSET, ConnectToken.PRIVATE_OFFSET))
                    .isTrue();
            assertThat(Arrays.equals(request, 54, NetcodeProtocol.CONNECTION_REQUEST_BYTES, bytes,
                    ConnectToken.PRIVATE_OFFSET, ConnectToken.TIMEOUT_OFFSET)).isTrue();
        }
    }
}
