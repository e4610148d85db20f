package dev.netcode.boot.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.message.converter.ByteArrayNetcodeMessageConverter;
import dev.netcode.boot.message.converter.ByteBufferNetcodeMessageConverter;
import dev.netcode.boot.message.converter.JacksonJsonNetcodeMessageConverter;
import dev.netcode.boot.message.converter.StringNetcodeMessageConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Tests for {@link NetcodeMessageConverters} and the built-in converters. */
class NetcodeMessageConvertersTests {

    private final NetcodeMessageConverters converters = new NetcodeMessageConverters(List.of(
            new ByteArrayNetcodeMessageConverter(), new ByteBufferNetcodeMessageConverter(),
            new StringNetcodeMessageConverter(), new JacksonJsonNetcodeMessageConverter(JsonMapper.builder().build())));

    record Item(String name, int count) {
    }

    @Test
    void theFirstConverterThatAcceptsATypeHandlesIt() {
        assertThat(this.converters.readerFor(ResolvableType.forClass(byte[].class)))
            .isInstanceOf(ByteArrayNetcodeMessageConverter.class);
        assertThat(this.converters.readerFor(ResolvableType.forClass(ByteBuffer.class)))
            .isInstanceOf(ByteBufferNetcodeMessageConverter.class);
        assertThat(this.converters.readerFor(ResolvableType.forClass(String.class)))
            .isInstanceOf(StringNetcodeMessageConverter.class);
        assertThat(this.converters.readerFor(ResolvableType.forClass(Item.class)))
            .isInstanceOf(JacksonJsonNetcodeMessageConverter.class);
        assertThat(this.converters.writerFor(StringBuilder.class)).isInstanceOf(StringNetcodeMessageConverter.class);
        assertThat(this.converters.writerFor(ByteBuffer.wrap(new byte[1]).getClass()))
            .isInstanceOf(ByteBufferNetcodeMessageConverter.class);
    }

    @Test
    void withoutJsonSomeTypesHaveNoConverter() {
        NetcodeMessageConverters raw = new NetcodeMessageConverters(List.of(new ByteArrayNetcodeMessageConverter()));
        assertThat(raw.readerFor(ResolvableType.forClass(Item.class))).isNull();
        assertThat(raw.writerFor(Item.class)).isNull();
        assertThat(raw.writerFor(Item.class)).as("remembered").isNull();
        assertThatExceptionOfType(NetcodeMessageConversionException.class)
            .isThrownBy(() -> raw.write(new Item("sword", 1)))
            .withMessageContaining(Item.class.getName());
    }

    @Test
    void bytesAreCopiedOnReadAndWrittenAsTheyAre() {
        byte[] bytes = { 1, 2, 3 };
        ByteBuffer message = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        byte[] read = (byte[]) new ByteArrayNetcodeMessageConverter().read(ResolvableType.forClass(byte[].class),
                message);
        assertThat(read).containsExactly(1, 2, 3).isNotSameAs(bytes);
        assertThat(this.converters.write(bytes)).isSameAs(bytes);
    }

    @Test
    void aBufferIsWrittenFromItsPositionWithoutMovingIt() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] { 9, 8, 7, 6 });
        buffer.position(1);
        assertThat(this.converters.write(buffer)).containsExactly(8, 7, 6);
        assertThat(buffer.position()).isEqualTo(1);
    }

    @Test
    void textIsUtf8AndInvalidUtf8IsRefused() {
        assertThat(this.converters.write("héllo")).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
        StringNetcodeMessageConverter text = new StringNetcodeMessageConverter();
        ResolvableType string = ResolvableType.forClass(String.class);
        assertThat(text.read(string, ByteBuffer.wrap("héllo".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer()))
            .isEqualTo("héllo");
        assertThatExceptionOfType(NetcodeMessageConversionException.class)
            .isThrownBy(() -> text.read(string, ByteBuffer.wrap(new byte[] { 'a', (byte) 0xC3 }).asReadOnlyBuffer()))
            .withMessageContaining("not valid UTF-8");
    }

    @Test
    void jsonReadsRecordsAndGenericTypesAndRefusesMalformedJson() {
        JacksonJsonNetcodeMessageConverter json = new JacksonJsonNetcodeMessageConverter(JsonMapper.builder().build());
        byte[] written = json.write(new Item("sword", 2));
        assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"sword\",\"count\":2}");
        assertThat(json.read(ResolvableType.forClass(Item.class), ByteBuffer.wrap(written).asReadOnlyBuffer()))
            .isEqualTo(new Item("sword", 2));
        ResolvableType items = ResolvableType.forClassWithGenerics(List.class, Item.class);
        Object list = json.read(items,
                ByteBuffer.wrap("[{\"name\":\"a\",\"count\":1}]".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer());
        assertThat(list).isEqualTo(List.of(new Item("a", 1)));
        ResolvableType map = ResolvableType.forClassWithGenerics(Map.class, String.class, Integer.class);
        assertThat(json.read(map, ByteBuffer.wrap("{\"x\":1}".getBytes(StandardCharsets.UTF_8)))).isEqualTo(Map.of("x", 1));
        assertThatExceptionOfType(NetcodeMessageConversionException.class)
            .isThrownBy(() -> json.read(ResolvableType.forClass(Item.class),
                    ByteBuffer.wrap("{not json".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer()))
            .withMessageContaining("not JSON for");
    }
}
