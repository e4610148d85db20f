package dev.netcode.fleet.redis;

import java.time.Duration;
import java.time.InstantSource;

import dev.netcode.fleet.InMemoryServerDirectory;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.redis.test.ServerDirectoryContractTest;

/** The directory contract on the in-memory directory, the reference for the Redis one's semantics. */
class InMemoryServerDirectoryContractTest extends ServerDirectoryContractTest {

    @Override
    protected ServerDirectory newDirectory(Duration timeToLive) {
        return new InMemoryServerDirectory(InstantSource.system(), timeToLive);
    }
}
