/**
 * Channel messages as objects: the {@link dev.netcode.boot.message.NetcodeMessageConverter} SPI that
 * turns message bytes into listener arguments and replies, and the
 * {@link dev.netcode.boot.message.NetcodeMessagingTemplate} that sends and broadcasts on a channel.
 */
@NullMarked
package dev.netcode.boot.message;

import org.jspecify.annotations.NullMarked;
