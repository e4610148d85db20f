/**
 * Micrometer meter binders for netcode servers, token issuers and listener dispatch.
 */
@NullMarked
package dev.netcode.boot.metrics;

import org.jspecify.annotations.NullMarked;
