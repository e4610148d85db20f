/**
 * A fleet of dedicated servers: each server announces its addresses and free slots to a
 * {@link dev.netcode.fleet.ServerDirectory}, and token issuers reserve a slot on a server with room
 * before they mint a token that lists it. No Spring here: the directory is an SPI with an
 * in-memory implementation for one process ({@link dev.netcode.fleet.InMemoryServerDirectory});
 * the shared one in Redis is the netcode-fleet-redis module's.
 */
package dev.netcode.fleet;
