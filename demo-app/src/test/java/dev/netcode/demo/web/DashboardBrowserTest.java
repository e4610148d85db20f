package dev.netcode.demo.web;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.EventFeed;
import dev.netcode.demo.game.FleetArenas;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.server.NetcodeServer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real (headless) Chromium: the slot table lists the bots the application
 * starts ({@code demo.bots=3}) with each connection's round-trip time and packet loss, the arena
 * canvas is drawn from the spectator stream, and the event feed next to it shows the match events
 * (the bots joining and greeting); without the fleet profile there is no fleet table. In the fleet
 * profile ({@link InTheFleetProfile}) the fleet table shows every arena with its occupancy and
 * players. Skipped when Chromium is not installed. Leaves screenshots in {@code target/dashboard.png}
 * and {@code target/dashboard-fleet.png}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.server.bind-address=127.0.0.1:0", "demo.bots=3" })
class DashboardBrowserTest {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final int BOTS = 3;
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** As app.js shows at most. */
    private static final int FEED_LINES = 12;

    @LocalServerPort
    private int port;

    @Autowired
    private NetcodeServer server;

    @Autowired
    private EventFeed feed;

    @Test
    void slotTableListsTheBotsWithTheirRoundTripAndTheArenaAndEventFeedAreDrawn(@TempDir Path profile)
            throws Exception {
        assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                "Chromium not installed: apt-get install chromium chromium-driver");
        WebDriver driver = startChromium(profile);
        try {
            driver.get("http://127.0.0.1:" + port + "/");
            // The page re-renders the table every second, so an element found may be replaced before it is read.
            WebDriverWait wait = new WebDriverWait(driver, WAIT);
            wait.ignoring(StaleElementReferenceException.class);

            // The bots log in, fetch tokens and connect once the application is ready: wait for them.
            wait.withMessage("the slot table to list the " + BOTS + " bots the server has connected")
                .until(d -> {
                    Set<String> connected = connectedClientIds();
                    return connected.size() == BOTS
                            && String.valueOf(BOTS).equals(d.findElement(By.id("slots")).getDomAttribute("data-rows"))
                            && connected.equals(clientIdCells(d));
                });

            wait.withMessage("an rtt and a loss figure from /actuator/netcode in every bot's row")
                .until(d -> {
                    List<List<String>> rows = slotCells(d);
                    return rows.size() == BOTS && rows.stream()
                        .allMatch(cells -> cells.get(5).matches("\\d+\\.\\d ms") && cells.get(6).matches("\\d+\\.\\d %"));
                });

            // The context may be shared with other tests, so compare with what the server's feed holds
            // rather than expect particular events: the latest ones, newest first, each once.
            wait.withMessage("the event feed to show the server's latest match events, newest first").until(d -> {
                List<String> expected = latestEvents();
                return expected.size() >= BOTS && feedLines(d).equals(expected);
            });

            wait.withMessage("the arena to be drawn with the bots on it").until(d -> {
                Map<String, Object> pixels = canvasPixels(d);
                return ((Number) pixels.get("frames")).longValue() > 0
                        && ((Number) pixels.get("drawn")).longValue() > 1_000
                        && ((Number) pixels.get("playerColored")).longValue() > 100;
            });
            wait.withMessage("the status line and the scores to show the stream with the bots")
                .until(d -> "connected".equals(d.findElement(By.id("status")).getDomAttribute("data-state"))
                        && String.valueOf(BOTS).equals(d.findElement(By.id("player-count")).getText())
                        && d.findElement(By.id("scores")).getText().contains("bot-" + BOTS));

            // Without the fleet profile there is no fleet table: /arena/fleet is 404 and its section stays hidden.
            wait.withMessage("the fleet section to stay hidden without the fleet profile")
                .until(d -> "absent".equals(d.findElement(By.id("fleet-section")).getDomAttribute("data-fleet"))
                        && !d.findElement(By.id("fleet-section")).isDisplayed());

            saveScreenshot(driver, "dashboard.png");
        }
        finally {
            driver.quit();
        }
    }

    /**
     * The {@code fleet} profile: three arenas of two slots (the starter's server and two of the
     * demo's), {@code demo.bots=3} spread one to an arena; the fleet table lists every server the
     * directory has with its occupancy and the bots in it. Leaves {@code target/dashboard-fleet.png}.
     */
    @Nested
    @ActiveProfiles("fleet")
    @TestPropertySource(properties = { "demo.fleet.arenas=127.0.0.1:0,127.0.0.1:0", "netcode.server.max-clients=2",
            "netcode.fleet.policy=spread" })
    class InTheFleetProfile {

        @LocalServerPort
        private int fleetPort;

        @Autowired
        private ServerDirectory directory;

        @Autowired
        private NetcodeServer firstServer;

        @Autowired
        private Arena firstArena;

        @Autowired
        private FleetArenas arenas;

        @Test
        void theFleetTableListsEveryArenaWithItsOccupancyAndPlayers(@TempDir Path profile) throws Exception {
            assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                    "Chromium not installed: apt-get install chromium chromium-driver");
            WebDriver driver = startChromium(profile);
            try {
                driver.get("http://127.0.0.1:" + fleetPort + "/");
                WebDriverWait wait = new WebDriverWait(driver, WAIT);
                wait.ignoring(StaleElementReferenceException.class);

                // What the server side says: each arena's connected count from the directory and its
                // players from its game, one bot in each once the bots are all in.
                wait.withMessage("the fleet table to show each arena's connected players, as the directory and the "
                        + "games have them").until(d -> {
                            Map<String, List<String>> expected = expectedRows();
                            return expected.size() == 3 && expected.values().stream().allMatch(r -> r.get(1).equals("1 / 2"))
                                    && expected.equals(fleetRows(d));
                        });
                wait.withMessage("the fleet section shown with the policy").until(d -> d.findElement(By.id("fleet-section"))
                    .isDisplayed() && d.findElement(By.id("fleet-summary")).getText().contains("spread policy")
                        && "3".equals(d.findElement(By.id("fleet")).getDomAttribute("data-rows")));

                saveScreenshot(driver, "dashboard-fleet.png");
            }
            finally {
                driver.quit();
            }
        }

        /** Per server id: its address, "connected / slots", and its players as the dashboard lists them. */
        private Map<String, List<String>> expectedRows() {
            Map<List<NetcodeAddress>, Arena> games = new HashMap<>();
            games.put(firstServer.serverAddresses(), firstArena);
            arenas.arenas().forEach(arena -> games.put(arena.server().serverAddresses(), arena.arena()));
            Map<String, List<String>> rows = new HashMap<>();
            for (FleetServer server : directory.servers()) {
                Arena arena = games.get(server.publicAddresses());
                String players = arena == null ? "?" : arena.snapshot().players().stream().map(Arena.PlayerView::name)
                    .sorted().collect(Collectors.joining(", "));
                rows.put(server.serverId(), List.of(server.publicAddresses().get(0).toString(),
                        server.connectedClients() + " / " + server.maxClients(), players));
            }
            return rows;
        }
    }

    /** Per row of the fleet table, by server id: its address, "connected / slots" and players cells. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> fleetRows(WebDriver driver) {
        return (Map<String, List<String>>) ((JavascriptExecutor) driver).executeScript(
                "return Object.fromEntries(Array.from(document.querySelectorAll('#fleet tbody tr[data-server-id]'))"
                        + ".map(row => [row.dataset.serverId,"
                        + " [1, 4, 7].map(i => row.cells[i].textContent.trim())]));");
    }

    private Set<String> connectedClientIds() {
        return server.snapshot().clients().stream()
            .map(client -> Long.toUnsignedString(client.clientId()))
            .collect(Collectors.toSet());
    }

    /**
     * Headless Chromium from the Debian packages. Both paths are given, so Selenium Manager (which
     * would try to download a browser and a driver) is never asked: with the driver's executable set
     * on the service, Selenium skips it.
     */
    private static WebDriver startChromium(Path profile) {
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort()
            .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1200", "--user-data-dir=" + profile.toAbsolutePath());
        return new ChromeDriver(service, options);
    }

    /** The text of each cell of the rows of connected clients, read in one script call. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> slotCells(WebDriver driver) {
        return (List<List<String>>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll('#slots tbody tr[data-client-id]'))"
                        + ".map(row => Array.from(row.cells).map(cell => cell.textContent.trim()));");
    }

    /** The lines of the event feed, newest first, without their times. */
    @SuppressWarnings("unchecked")
    private static List<String> feedLines(WebDriver driver) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll('#events li span')).map(span => span.textContent);");
    }

    /** The lines the server's feed holds, newest first, as many as the dashboard shows. */
    private List<String> latestEvents() {
        List<String> lines = new ArrayList<>(feed.since(0).stream().map(entry -> entry.event().describe()).toList());
        Collections.reverse(lines);
        return lines.subList(0, Math.min(FEED_LINES, lines.size()));
    }

    /** The client ids the slot table shows, read in one script call so a re-render cannot interleave. */
    @SuppressWarnings("unchecked")
    private static Set<String> clientIdCells(WebDriver driver) {
        List<String> ids = (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll('#slots tbody tr[data-client-id]'))"
                        + ".filter(row => row.cells.length > 1).map(row => row.cells[1].textContent.trim());");
        return new HashSet<>(ids);
    }

    /**
     * How many frames the canvas has drawn, how many of its pixels differ from the background and
     * how many are painted in a player colour.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> canvasPixels(WebDriver driver) {
        return (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
                const canvas = document.getElementById('arena');
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                const background = [0x0b, 0x11, 0x20]; // #0b1120, as app.js paints it
                const playerColors = new Set(COLORS.map((hex) => parseInt(hex.slice(1), 16)));
                let drawn = 0;
                let playerColored = 0;
                for (let i = 0; i < data.length; i += 4) {
                  if (data[i] !== background[0] || data[i + 1] !== background[1] || data[i + 2] !== background[2]) {
                    drawn++;
                  }
                  if (playerColors.has((data[i] << 16) | (data[i + 1] << 8) | data[i + 2])) {
                    playerColored++;
                  }
                }
                return { frames: Number(canvas.dataset.frames), drawn: drawn, playerColored: playerColored };
                """);
    }

    private static void saveScreenshot(WebDriver driver, String name) throws Exception {
        File screenshot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(screenshot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
