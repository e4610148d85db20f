package dev.netcode.demo.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class GameMessagesTest {

    private static final long ALICE = 0x1234_5678_9abc_def0L;
    private static final long BOB = 42;

    @Test
    void inputsRoundTrip() {
        byte[] input = GameMessages.input(Direction.LEFT, -123_456_789_012L);

        assertThat(input).hasSize(GameMessages.INPUT_BYTES);
        assertThat(GameMessages.readInput(ByteBuffer.wrap(input)))
                .isEqualTo(new GameMessages.Input(Direction.LEFT, -123_456_789_012L));
    }

    @Test
    void anUnknownDirectionMeansStandStill() {
        byte[] input = GameMessages.input(Direction.UP, 7);
        input[1] = 99;

        assertThat(GameMessages.readInput(ByteBuffer.wrap(input)).direction()).isEqualTo(Direction.NONE);
    }

    @Test
    void anythingElseIsNotAnInput() {
        byte[] input = GameMessages.input(Direction.UP, 7);
        byte[] wrongType = input.clone();
        wrongType[0] = GameMessages.SNAPSHOT;

        assertThat(GameMessages.readInput(ByteBuffer.wrap(wrongType))).isNull();
        assertThat(GameMessages.readInput(ByteBuffer.wrap(input, 0, input.length - 1))).isNull();
        assertThat(GameMessages.readInput(ByteBuffer.wrap(new byte[GameMessages.INPUT_BYTES + 1]))).isNull();
        assertThat(GameMessages.readInput(ByteBuffer.allocate(0))).isNull();
    }

    @Test
    void snapshotsRoundTripAsTheirRecipientSeesThem() {
        Arena.World world = new Arena.World(77, List.of(
                new Arena.PlayerView(BOB, "bob", 0, 36, 3, 1, 555),
                new Arena.PlayerView(ALICE, "alice", 12.34, 5.67, 9, 4, 1_000_000_007L)),
                List.of(new Arena.Coin(1.5, 2.25), new Arena.Coin(63, 35)));

        GameMessages.Snapshot snapshot = read(GameMessages.snapshot(world, ALICE));

        assertThat(snapshot.tick()).isEqualTo(77);
        assertThat(snapshot.you()).isEqualTo(1);
        assertThat(snapshot.echo()).isEqualTo(1_000_000_007L);
        assertThat(snapshot.coins()).containsExactly(new Arena.Coin(1.5, 2.25), new Arena.Coin(63, 35));
        assertThat(snapshot.players()).hasSize(2);
        GameMessages.SnapshotPlayer alice = snapshot.players().get(1);
        assertThat(alice.id()).isEqualTo(ALICE & 0xFFFF_FFFFL);
        assertThat(alice.x()).isCloseTo(12.34, within(0.005));
        assertThat(alice.y()).isCloseTo(5.67, within(0.005));
        assertThat(alice.score()).isEqualTo(9);
        assertThat(alice.color()).isEqualTo(4);
        assertThat(snapshot.players().get(0)).isEqualTo(new GameMessages.SnapshotPlayer(BOB, 0, 36, 3, 1));

        GameMessages.Snapshot bobs = read(GameMessages.snapshot(world, BOB));
        assertThat(bobs.you()).isZero();
        assertThat(bobs.echo()).isEqualTo(555);
    }

    @Test
    void aSpectatorIsNobodyAndGetsNoEcho() {
        Arena.World world = new Arena.World(1, List.of(new Arena.PlayerView(BOB, "bob", 1, 1, 0, 0, 555)), List.of());

        GameMessages.Snapshot snapshot = read(GameMessages.snapshot(world, ALICE));

        assertThat(snapshot.you()).isEqualTo(-1);
        assertThat(snapshot.echo()).isZero();
    }

    @Test
    void snapshotsAreReadWhereTheyLieInALargerBuffer() {
        byte[] snapshot = GameMessages.snapshot(new Arena(1).snapshot(), ALICE);
        byte[] buffer = new byte[snapshot.length + 20];
        System.arraycopy(snapshot, 0, buffer, 10, snapshot.length);

        assertThat(GameMessages.readSnapshot(buffer, 10, snapshot.length)).isEqualTo(read(snapshot));
    }

    @Test
    void truncatedOrForeignPayloadsAreNotSnapshots() {
        Arena arena = new Arena(3);
        arena.join(ALICE, "alice");
        arena.join(BOB, "bob");
        byte[] snapshot = GameMessages.snapshot(arena.snapshot(), ALICE);

        for (int length = 0; length < snapshot.length; length++) {
            assertThat(GameMessages.readSnapshot(snapshot, 0, length)).as("first %d bytes", length).isNull();
        }
        byte[] input = GameMessages.input(Direction.UP, 1);
        assertThat(GameMessages.readSnapshot(input, 0, input.length)).isNull();
        assertThat(GameMessages.readSnapshot(new byte[] { 0x7f, 1, 2, 3 }, 0, 4)).isNull();
    }

    @Test
    void aHundredPlayersFitInOnePayloadAndMoreAreLeftOut() {
        List<Arena.PlayerView> players = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            players.add(new Arena.PlayerView(i, "p" + i, Arena.WIDTH, Arena.HEIGHT, 65_535, 7, i));
        }
        Arena.World crowd = new Arena.World(0xFFFF_FFFFL, players, new Arena(1).snapshot().coins());

        byte[] hundred = GameMessages.snapshot(new Arena.World(1, players.subList(0, 100), crowd.coins()), 99);
        byte[] more = GameMessages.snapshot(crowd, 120);

        assertThat(hundred.length).isLessThanOrEqualTo(1200);
        assertThat(more).hasSameSizeAs(hundred);
        assertThat(read(hundred).you()).isEqualTo(99);
        assertThat(read(more).players()).hasSize(GameMessages.MAX_PLAYERS);
        assertThat(read(more).you()).isEqualTo(-1);
        assertThat(read(more).tick()).isEqualTo(0xFFFF_FFFFL);
    }

    private static GameMessages.Snapshot read(byte[] snapshot) {
        GameMessages.Snapshot read = GameMessages.readSnapshot(snapshot, 0, snapshot.length);
        assertThat(read).isNotNull();
        return read;
    }
}
