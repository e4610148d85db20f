package dev.netcode.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.netcode.message.ChannelConfig;
import dev.netcode.message.DeliveryMode;
import dev.netcode.message.MessageConfig;

/**
 * The channels that {@code server --channels} and {@code load --channel MODE} share: one channel
 * per {@link DeliveryMode}, named after it ({@code unreliable}, {@code unreliable-sequenced},
 * {@code reliable-ordered}, {@code reliable-unordered}), with the mode's ordinal as the channel id
 * and every other setting at its default. Both peers must use the same config, so both take it
 * from here.
 */
final class EchoChannels {

    static final MessageConfig CONFIG = MessageConfig
            .of(Arrays.stream(DeliveryMode.values()).map(mode -> ChannelConfig.of(name(mode), mode)).toList());

    private EchoChannels() {
    }

    /** The channel's name for {@code mode}, which is also how the command line spells the mode. */
    static String name(DeliveryMode mode) {
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The channel id of {@code mode} in {@link #CONFIG}. */
    static int channel(DeliveryMode mode) {
        return mode.ordinal();
    }

    /** The delivery mode a command line names, e.g. {@code reliable-ordered}. */
    static DeliveryMode parse(String flag, String text) throws UsageException {
        for (DeliveryMode mode : DeliveryMode.values()) {
            if (name(mode).equals(text)) {
                return mode;
            }
        }
        throw new UsageException("--" + flag + " must be one of " + names() + ", got '" + text + "'");
    }

    /** The modes' names, comma-separated. */
    static String names() {
        return Arrays.stream(DeliveryMode.values()).map(EchoChannels::name).collect(Collectors.joining(", "));
    }
}
