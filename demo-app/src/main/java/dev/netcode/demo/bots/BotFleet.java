package dev.netcode.demo.bots;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.stereotype.Component;

import dev.netcode.demo.DemoProperties;
import dev.netcode.demo.client.TokenClient;

/**
 * Starts {@code demo.bots} bots when the application is ready, so the arena is busy from the first
 * second. They are real clients of this very application: each logs in over HTTP as its own user
 * ({@code bot-1}, {@code bot-2}, …, registered here with random passwords), fetches a connect
 * token and plays over UDP on the demo's channels, exactly like a person with the terminal client.
 *
 * <p>Threads: all bots share a scheduler of two threads for logging in and sending inputs (a login
 * blocks its thread for the few milliseconds a local HTTP call takes; the second thread keeps the
 * other bots playing meanwhile). Each
 * {@code NetcodeClient} still runs a thread of its own, which is fine for the few dozen bots a
 * demo wants (the server has 32 slots) but is not how to simulate thousands of clients.
 *
 * <p>The bots leave on {@link ContextClosedEvent}, which comes before any lifecycle bean stops, so
 * they disconnect cleanly while the netcode server still runs.
 */
@Component
public class BotFleet {

    private static final Logger log = LoggerFactory.getLogger(BotFleet.class);
    private static final long TICK_MILLIS = 100;

    private final List<Account> accounts = new ArrayList<>();
    private final List<Bot> bots = new CopyOnWriteArrayList<>();
    private final AtomicBoolean announced = new AtomicBoolean();
    private ApplicationContext context;
    private ScheduledExecutorService scheduler;

    /** Registers the bot accounts now, before the web server takes its first request. */
    public BotFleet(DemoProperties properties, InMemoryUserDetailsManager users) {
        SecureRandom random = new SecureRandom();
        for (int i = 1; i <= properties.getBots(); i++) {
            byte[] secret = new byte[18];
            random.nextBytes(secret);
            String name = "bot-" + i;
            String password = Base64.getUrlEncoder().encodeToString(secret);
            users.createUser(User.withUsername(name).password("{noop}" + password).roles("PLAYER").build());
            accounts.add(new Account(name, password));
        }
    }

    /** HTTP and UDP are both up now; the HTTP port is known (random in tests). */
    @EventListener
    public synchronized void start(ApplicationReadyEvent event) {
        Integer port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", Integer.class);
        if (accounts.isEmpty() || port == null || scheduler != null) {
            return;
        }
        context = event.getApplicationContext();
        TokenClient tokens = new TokenClient(URI.create("http://127.0.0.1:" + port));
        AtomicInteger threads = new AtomicInteger();
        scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "bots-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (Account account : accounts) {
            Bot bot = new Bot(account.name(), account.password(), tokens, this::announceWhenAllConnected,
                    System.nanoTime());
            // Spread the bots over the tick so their inputs do not all arrive at once.
            long initialDelay = TICK_MILLIS * bots.size() / accounts.size();
            bots.add(bot);
            scheduler.scheduleWithFixedDelay(() -> tick(bot), initialDelay, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
        log.debug("Started {} bots against {}", bots.size(), tokens.tokenUri());
    }

    private static void tick(Bot bot) {
        try {
            bot.tick();
        }
        catch (RuntimeException ex) {
            // An exception would cancel this bot's schedule for good: log it and carry on.
            log.warn("{} failed a tick", bot.name(), ex);
        }
    }

    private void announceWhenAllConnected() {
        if (connectedBots() == accounts.size() && announced.compareAndSet(false, true)) {
            log.info("{} bots playing", accounts.size());
        }
    }

    /** Disconnects every bot while the netcode server is still running. */
    @EventListener
    public synchronized void stop(ContextClosedEvent event) {
        if (scheduler == null || event.getApplicationContext() != context) {
            return; // not started, or a child context (such as a separate management server) closing
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        bots.forEach(Bot::stop);
        log.debug("{} bots left the arena", bots.size());
        scheduler = null;
    }

    /** Bots connected right now. */
    public int connectedBots() {
        return (int) bots.stream().filter(Bot::isConnected).count();
    }

    /** Snapshots all bots have received since they started. */
    public long snapshotsReceived() {
        return bots.stream().mapToLong(Bot::snapshotsReceived).sum();
    }

    /** Match events all bots have received on the events channel since they started. */
    public long eventsReceived() {
        return bots.stream().mapToLong(Bot::eventsReceived).sum();
    }

    private record Account(String name, String password) {
    }
}
