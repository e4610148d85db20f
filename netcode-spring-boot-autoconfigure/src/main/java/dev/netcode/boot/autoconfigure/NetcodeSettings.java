package dev.netcode.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.netcode.boot.InvalidNetcodeAddressException;
import dev.netcode.boot.NetcodePublicAddressRequiredException;
import dev.netcode.address.NetcodeAddress;

/**
 * Turns {@link NetcodeProperties} text into protocol values, failing with exceptions that the
 * failure analyzers explain. None of these carry the private key.
 */
final class NetcodeSettings {

    private NetcodeSettings() {
    }

    /**
     * Reads the protocol id: hex with a {@code 0x} prefix, or decimal. Decimal is accepted because
     * YAML reads an unquoted {@code 0x...} value as a number, which reaches us in decimal.
     */
    static long protocolId(NetcodeProperties properties) {
        String text = properties.getProtocolId() == null ? "" : properties.getProtocolId().trim();
        boolean hex = text.startsWith("0x") || text.startsWith("0X");
        String digits = hex ? text.substring(2) : text;
        try {
            if (digits.isEmpty() || digits.length() > (hex ? 16 : 20)) {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(digits, hex ? 16 : 10);
        }
        catch (NumberFormatException ex) {
            throw new InvalidConfigurationPropertyValueException("netcode.protocol-id", text,
                    "A protocol id is a 64-bit unsigned number: hex with a 0x prefix (up to 16 digits) or decimal.");
        }
    }

    static NetcodeAddress bindAddress(NetcodeProperties properties) {
        return parse("netcode.server.bind-address", properties.getServer().getBindAddress());
    }

    /**
     * The configured public addresses; empty means "the bound address", which only works for a
     * concrete bind address.
     */
    static List<NetcodeAddress> publicAddresses(NetcodeProperties properties) {
        List<NetcodeAddress> addresses = new ArrayList<>();
        List<String> configured = properties.getServer().getPublicAddresses();
        for (int i = 0; i < configured.size(); i++) {
            NetcodeAddress address = parse("netcode.server.public-addresses[" + i + "]", configured.get(i));
            if (address.port() == 0) {
                throw new InvalidNetcodeAddressException("netcode.server.public-addresses[" + i + "]", configured.get(i),
                        "a public address needs the real port clients send to");
            }
            addresses.add(address);
        }
        if (addresses.isEmpty() && bindAddress(properties).toInetAddress().isAnyLocalAddress()) {
            throw new NetcodePublicAddressRequiredException(properties.getServer().getBindAddress());
        }
        return addresses;
    }

    private static NetcodeAddress parse(String property, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidNetcodeAddressException(property, String.valueOf(text), "no address given");
        }
        try {
            return NetcodeAddress.parse(text);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidNetcodeAddressException(property, text, ex.getMessage());
        }
    }
}
