package dev.netcode.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.token.ConnectTokenPrivate;

/**
 * Fuzzes the private connect token parser, {@link ConnectTokenPrivate#read}: what a server runs on
 * the plaintext of a private token it has just decrypted. Only a holder of the private key (a
 * backend, or whoever stole the key) can make a server parse chosen bytes, but the parser must
 * still be total.
 *
 * <p>Input: the plaintext, padded with zeros or cut to 1024 bytes and placed where the server has
 * it, at offset 54 of a 1078-byte connection request buffer.
 *
 * <p>Checks: never throws, never reads past the 1008 authenticated bytes (the 16 tag bytes after
 * them are set to junk, which must not matter); a parsed token has 1..32 addresses, and writes back
 * to the same bytes up to the end of its user data.
 */
class PrivateTokenFuzzTest {

    private static final int OFFSET = 54;

    @FuzzTest
    void readPrivateToken(byte[] data) {
        byte[] plaintext = Arrays.copyOf(data, NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES);
        byte[] buf = new byte[NetcodeProtocol.CONNECTION_REQUEST_BYTES];
        System.arraycopy(plaintext, 0, buf, OFFSET, plaintext.length);
        byte[] withOtherTag = buf.clone();
        Arrays.fill(withOtherTag, OFFSET + ConnectTokenPrivate.SEALED_BYTES, withOtherTag.length, (byte) 0xEE);

        ConnectTokenPrivate token = ConnectTokenPrivate.read(buf, OFFSET);
        ConnectTokenPrivate other = ConnectTokenPrivate.read(withOtherTag, OFFSET);
        assertThat(String.valueOf(other)).as("bytes past the sealed part changed the result")
                .isEqualTo(String.valueOf(token));
        if (token == null) {
            return;
        }
        assertThat(token.serverAddresses()).hasSizeBetween(1, NetcodeProtocol.MAX_SERVERS_PER_CONNECT);
        int end = 16 + 2 * NetcodeProtocol.KEY_BYTES + NetcodeProtocol.USER_DATA_BYTES;
        for (NetcodeAddress address : token.serverAddresses()) {
            end += address.encodedLength();
        }
        assertThat(end).isLessThanOrEqualTo(ConnectTokenPrivate.SEALED_BYTES);
        byte[] written = new byte[NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES];
        token.write(written, 0);
        assertThat(Arrays.equals(written, 0, end, plaintext, 0, end)).as("token does not write back to what was read")
                .isTrue();
        assertThat(Arrays.equals(token.userData(), 0, NetcodeProtocol.USER_DATA_BYTES, plaintext,
                end - NetcodeProtocol.USER_DATA_BYTES, end)).isTrue();
        assertThat(Arrays.equals(token.clientToServerKey(), 0, NetcodeProtocol.KEY_BYTES, plaintext,
                end - NetcodeProtocol.USER_DATA_BYTES - 2 * NetcodeProtocol.KEY_BYTES,
                end - NetcodeProtocol.USER_DATA_BYTES - NetcodeProtocol.KEY_BYTES)).isTrue();
    }
}
