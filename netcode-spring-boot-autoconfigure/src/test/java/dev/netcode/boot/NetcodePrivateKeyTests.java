package dev.netcode.boot;

import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.netcode.Bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Tests for {@link NetcodePrivateKey#decode}: what each wrong key is told, never showing the key. */
class NetcodePrivateKeyTests {

    private static final String KEY_HEX = "606abe6ec91910ea9a6562f66f2b30e44371d62cd19927266b3c60f4b715aba1";

    @Test
    void hexAndBase64OfTheSame32BytesDecodeAlike() {
        byte[] expected = Bytes.fromHex(KEY_HEX);
        assertThat(NetcodePrivateKey.decode(KEY_HEX).bytes()).isEqualTo(expected);
        assertThat(NetcodePrivateKey.decode(" " + KEY_HEX.toUpperCase() + "\n").bytes()).isEqualTo(expected);
        assertThat(NetcodePrivateKey.decode(Base64.getEncoder().encodeToString(expected)).bytes()).isEqualTo(expected);
    }

    @Test
    void aHexKeyADigitShortOrLongIsToldItsCountOfHexDigits() {
        String shortKey = KEY_HEX.substring(1);
        assertThatExceptionOfType(InvalidNetcodeKeyException.class).isThrownBy(() -> NetcodePrivateKey.decode(shortKey))
                .withMessageContaining("63 hex digits, expected 64").withMessageNotContaining(shortKey);
        String longKey = KEY_HEX + "0";
        assertThatExceptionOfType(InvalidNetcodeKeyException.class).isThrownBy(() -> NetcodePrivateKey.decode(longKey))
                .withMessageContaining("65 hex digits, expected 64").withMessageNotContaining(longKey);
    }

    @Test
    void base64OfTheWrongLengthIsToldItsByteCount() {
        String key = Base64.getEncoder().encodeToString(new byte[31]).replace('A', 'z');
        assertThatExceptionOfType(InvalidNetcodeKeyException.class).isThrownBy(() -> NetcodePrivateKey.decode(key))
                .withMessageContaining("decodes to 31 bytes instead of 32").withMessageNotContaining(key);
    }

    @Test
    void anUnresolvedPlaceholderIsNamedWithTheFormThatGivesARandomKey() {
        assertThatExceptionOfType(InvalidNetcodeKeyException.class)
                .isThrownBy(() -> NetcodePrivateKey.decode("${NETCODE_PRIVATE_KEY}"))
                .withMessageContaining("the placeholder ${NETCODE_PRIVATE_KEY} was not resolved: set the environment "
                        + "variable (or property) NETCODE_PRIVATE_KEY, or write ${NETCODE_PRIVATE_KEY:} for a random "
                        + "key in development");
    }

    @Test
    void aPlaceholderWhoseTextIsNoVariableNameIsNotShown() {
        // A placeholder with a default that did not resolve either could carry a key: never repeat it.
        String text = "${OTHER:" + KEY_HEX + "x}";
        assertThatExceptionOfType(InvalidNetcodeKeyException.class).isThrownBy(() -> NetcodePrivateKey.decode(text))
                .withMessageContaining("placeholder (${...}) that was not resolved").withMessageNotContaining(KEY_HEX);
    }
}
