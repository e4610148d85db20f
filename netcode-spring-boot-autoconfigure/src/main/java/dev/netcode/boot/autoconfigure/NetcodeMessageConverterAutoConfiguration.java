package dev.netcode.boot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.message.NetcodeMessageConverter;
import dev.netcode.boot.message.converter.ByteArrayNetcodeMessageConverter;
import dev.netcode.boot.message.converter.ByteBufferNetcodeMessageConverter;
import dev.netcode.boot.message.converter.JacksonJsonNetcodeMessageConverter;
import dev.netcode.boot.message.converter.StringNetcodeMessageConverter;
import dev.netcode.message.MessageServer;

/**
 * The built-in {@link NetcodeMessageConverter}s, when {@code netcode.channels} are configured:
 * {@code byte[]}, {@code ByteBuffer} and UTF-8 {@code String}, and JSON through the application's
 * Jackson 3 {@link JsonMapper} when it has one (Spring Boot's Jackson auto-configuration makes it).
 * Each backs off when the application defines a converter of its class; the application's own
 * converters (Protobuf, CBOR, ...) join them, in order.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(MessageServer.class)
@ConditionalOnBooleanProperty(name = "netcode.server.enabled", matchIfMissing = true)
@ConditionalOnNetcodeChannels
public final class NetcodeMessageConverterAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ByteArrayNetcodeMessageConverter byteArrayNetcodeMessageConverter() {
        return new ByteArrayNetcodeMessageConverter();
    }

    @Bean
    @ConditionalOnMissingBean
    ByteBufferNetcodeMessageConverter byteBufferNetcodeMessageConverter() {
        return new ByteBufferNetcodeMessageConverter();
    }

    @Bean
    @ConditionalOnMissingBean
    StringNetcodeMessageConverter stringNetcodeMessageConverter() {
        return new StringNetcodeMessageConverter();
    }

    /** Only with Jackson 3, an optional dependency, and the application's mapper. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JsonMapper.class)
    @ConditionalOnSingleCandidate(JsonMapper.class)
    static final class JacksonJsonConverterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        JacksonJsonNetcodeMessageConverter jacksonJsonNetcodeMessageConverter(JsonMapper jsonMapper) {
            return new JacksonJsonNetcodeMessageConverter(jsonMapper);
        }
    }
}
