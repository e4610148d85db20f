package dev.netcode.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The slot table the shards of a {@link NetcodeServer} share. */
class ClientIndexSpaceTest {

    @Test
    void shardsTakeTheLowestFreeIndexUpToMaxClientsWithEachClientIdOnce() {
        ClientIndexSpace space = new ClientIndexSpace(3);
        assertThat(space.claim(10, 0)).isZero();
        assertThat(space.claim(11, 1)).isOne();
        assertThat(space.claim(10, 1)).as("id 10 is on shard 0").isEqualTo(ClientIndexSpace.CLIENT_ID_CONNECTED);
        assertThat(space.claim(12, 1)).isEqualTo(2);
        assertThat(space.isFull()).isTrue();
        assertThat(space.claim(13, 0)).isEqualTo(ClientIndexSpace.FULL);
        assertThat(space.connectedCount()).isEqualTo(3);
        assertThat(space.owner(1)).isOne();
        assertThat(space.owner(3)).isEqualTo(ClientIndexSpace.FREE);

        space.release(1);
        assertThat(space.owner(1)).isEqualTo(ClientIndexSpace.FREE);
        assertThat(space.isClientIdConnected(11)).isFalse();
        assertThat(space.claim(13, 0)).as("the freed index, now on another shard").isOne();
        space.release(1);
        space.release(1);
        assertThat(space.connectedCount()).as("a second release frees nothing").isEqualTo(2);
    }

    @Test
    void aLoopbackClientTakesAFreeIndexOrTheOneItsShardIsFreeing() {
        ClientIndexSpace space = new ClientIndexSpace(2);
        assertThat(space.claim(0, 20, 1)).isTrue();
        assertThat(space.claim(0, 21, 0)).as("held by shard 1").isFalse();
        // Shard 1's disconnect handler hands the slot it is freeing to a loopback client: still one client there.
        assertThat(space.claim(0, 22, 1)).isTrue();
        assertThat(space.connectedCount()).isOne();
        assertThat(space.isClientIdConnected(22)).isTrue();
        assertThat(space.isClientIdConnected(20)).isFalse();
        assertThat(space.claim(30, 0)).isOne();
    }
}
