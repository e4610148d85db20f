package dev.netcode.boot.message.converter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;

import dev.netcode.boot.message.NetcodeMessageConversionException;
import dev.netcode.boot.message.NetcodeMessageConverter;

/**
 * {@link String} (and {@link CharSequence} to write) as UTF-8. A message that is not valid UTF-8 is
 * refused rather than decoded with replacement characters, so a listener never sees text the client
 * did not send.
 */
public class StringNetcodeMessageConverter implements NetcodeMessageConverter, Ordered {

    @Override
    public boolean canRead(ResolvableType type) {
        return type.resolve() == String.class;
    }

    @Override
    public boolean canWrite(Class<?> type) {
        return CharSequence.class.isAssignableFrom(type);
    }

    @Override
    public Object read(ResolvableType type, ByteBuffer message) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(message.duplicate())
                .toString();
        }
        catch (CharacterCodingException ex) {
            throw new NetcodeMessageConversionException("Message of " + message.remaining()
                    + " bytes is not valid UTF-8", ex);
        }
    }

    @Override
    public byte[] write(Object value) {
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int getOrder() {
        return BUILT_IN_ORDER;
    }
}
