/**
 * The built-in {@link dev.netcode.boot.message.NetcodeMessageConverter}s: {@code byte[]},
 * {@code ByteBuffer}, UTF-8 {@code String} and Jackson JSON.
 */
@NullMarked
package dev.netcode.boot.message.converter;

import org.jspecify.annotations.NullMarked;
