package dev.netcode.server;

/**
 * The shards the {@link NetcodeServer} tests run their servers on: 1, or what the system property
 * {@value #PROPERTY} says. Surefire's execution {@code shards-2} (netcode-core's pom) runs those tests again
 * with 2, so the server's whole behaviour is checked on several event loops too, not only what
 * {@link ShardedServerTest} targets.
 */
public final class TestShards {

    public static final String PROPERTY = "netcode.test.shards";

    public static final int COUNT = Integer.getInteger(PROPERTY, 1);

    private TestShards() {
    }

    /** {@link ServerConfig#builder}, on {@link #COUNT} shards. */
    public static ServerConfig.Builder config(long protocolId, byte[] privateKey) {
        return ServerConfig.builder(protocolId, privateKey).shards(COUNT);
    }
}
