package dev.netcode.demo.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class ArenaTest {

    private static final long ALICE = 1;
    private static final long BOB = 2;

    private final Arena arena = new Arena(42);

    @Test
    void playersJoinOnceAndLeave() {
        arena.join(ALICE, "alice");
        arena.join(ALICE, "alice again");
        arena.join(BOB, "bob");

        assertThat(arena.playerCount()).isEqualTo(2);
        assertThat(arena.snapshot().players()).extracting(Arena.PlayerView::name).containsExactly("alice", "bob");

        arena.leave(ALICE);
        arena.leave(ALICE);
        assertThat(arena.snapshot().players()).extracting(Arena.PlayerView::name).containsExactly("bob");
    }

    @Test
    void everyPlayerHasAColourNoOtherPlayerHasEvenAfterOthersLeave() {
        for (long id = 1; id <= 10; id++) {
            arena.join(id, "p" + id);
        }
        arena.leave(3);
        arena.leave(4);
        arena.join(11, "p11");
        arena.join(12, "p12");
        arena.join(13, "p13");

        List<Integer> colors = arena.snapshot().players().stream().map(Arena.PlayerView::color).toList();
        assertThat(colors).hasSize(11).doesNotHaveDuplicates().contains(2, 3, 10);
    }

    @Test
    void playersStandStillUntilTheyAskToMove() {
        arena.join(ALICE, "alice");
        Arena.PlayerView before = alice();

        arena.step(1);

        assertThat(alice().x()).isEqualTo(before.x());
        assertThat(alice().y()).isEqualTo(before.y());
    }

    @Test
    void playersMoveAtTheirSpeedInTheDirectionTheyAskedFor() {
        arena.join(ALICE, "alice");
        moveToTopLeftCorner();

        arena.input(ALICE, Direction.RIGHT, 0);
        arena.step(0.5);
        assertThat(alice().x()).isCloseTo(Arena.SPEED * 0.5, within(1e-9));
        assertThat(alice().y()).isZero();

        arena.input(ALICE, Direction.DOWN, 0);
        arena.step(0.25);
        assertThat(alice().x()).isCloseTo(Arena.SPEED * 0.5, within(1e-9));
        assertThat(alice().y()).isCloseTo(Arena.SPEED * 0.25, within(1e-9));
    }

    @Test
    void nobodyLeavesTheArena() {
        arena.join(ALICE, "alice");

        arena.input(ALICE, Direction.RIGHT, 0);
        arena.step(100);
        arena.input(ALICE, Direction.DOWN, 0);
        arena.step(100);
        assertThat(alice().x()).isEqualTo(Arena.WIDTH);
        assertThat(alice().y()).isEqualTo(Arena.HEIGHT);

        moveToTopLeftCorner();
        assertThat(alice().x()).isZero();
        assertThat(alice().y()).isZero();
    }

    @Test
    void walkingOntoACoinScoresAndPutsANewCoinElsewhere() {
        arena.join(ALICE, "alice");
        Arena.Coin coin = arena.snapshot().coins().get(0);
        // To the corner, down the left edge to the coin's row, then right onto the coin. (With this
        // seed no coin lies on the way.)
        moveToTopLeftCorner();
        arena.input(ALICE, Direction.DOWN, 0);
        assertThat(arena.step(coin.y() / Arena.SPEED)).isEmpty();
        assertThat(alice().score()).isZero();

        arena.input(ALICE, Direction.RIGHT, 0);
        List<String> collected = arena.step(coin.x() / Arena.SPEED);

        assertThat(collected).containsExactly("alice");
        assertThat(alice().score()).isEqualTo(1);
        assertThat(arena.snapshot().coins()).hasSize(Arena.COINS).doesNotContain(coin);
    }

    @Test
    void theLatestInputsEchoComesBackInSnapshots() {
        arena.join(ALICE, "alice");
        arena.join(BOB, "bob");

        arena.input(ALICE, Direction.UP, 1234);
        arena.input(ALICE, Direction.LEFT, 5678);
        arena.input(BOB, Direction.NONE, 99);
        arena.step(0.05);

        assertThat(alice().echo()).isEqualTo(5678);
        assertThat(arena.snapshot().players().get(1).echo()).isEqualTo(99);
    }

    @Test
    void inputsForPlayersNotInTheArenaAreIgnored() {
        arena.input(ALICE, Direction.RIGHT, 1);
        arena.step(1);

        assertThat(arena.playerCount()).isZero();
    }

    @Test
    void eachStepIsATick() {
        arena.step(0.05);
        arena.step(0.05);

        assertThat(arena.snapshot().tick()).isEqualTo(2);
    }

    @Test
    void theSameSeedAndInputsGiveTheSameWorld() {
        assertThat(play(new Arena(7))).isEqualTo(play(new Arena(7)));
        assertThat(play(new Arena(7))).isNotEqualTo(play(new Arena(8)));
    }

    private static Arena.World play(Arena arena) {
        arena.join(ALICE, "alice");
        arena.join(BOB, "bob");
        Direction[] moves = Direction.values();
        for (int i = 0; i < 200; i++) {
            arena.input(ALICE, moves[i % moves.length], i);
            arena.input(BOB, moves[(i / 7) % moves.length], i);
            arena.step(0.05);
        }
        return arena.snapshot();
    }

    private void moveToTopLeftCorner() {
        arena.input(ALICE, Direction.LEFT, 0);
        arena.step(100);
        arena.input(ALICE, Direction.UP, 0);
        arena.step(100);
    }

    private Arena.PlayerView alice() {
        return arena.snapshot().players().stream().filter(p -> p.clientId() == ALICE).findFirst().orElseThrow();
    }
}
