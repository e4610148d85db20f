/**
 * Built-in argument resolvers and the default error handler for
 * {@link dev.netcode.boot.listener.NetcodeListener @NetcodeListener} methods.
 */
@NullMarked
package dev.netcode.boot.listener.support;

import org.jspecify.annotations.NullMarked;
