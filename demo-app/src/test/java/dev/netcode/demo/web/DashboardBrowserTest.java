package dev.netcode.demo.web;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
import org.openqa.selenium.Dimension;
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
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint;
import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.EventFeed;
import dev.netcode.demo.game.FleetArenas;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerSnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real (headless) Chromium: the slot table lists the bots the application
 * starts ({@code demo.bots=3}) by name with each connection's round-trip time and packet loss, the
 * charts fill from the samples, the arena canvas is drawn from the spectator stream, and the event
 * feed next to it shows the match events (the bots joining and greeting); without the fleet profile
 * there is no fleet table. An admin kicks a real bot from the page; at phone width nothing scrolls
 * sideways. In the fleet
 * profile ({@link InTheFleetProfile}) the fleet table shows every arena with its occupancy and
 * players. Skipped when Chromium is not installed. Leaves screenshots in {@code target/dashboard.png},
 * {@code target/dashboard-phone.png} and {@code target/dashboard-fleet.png}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.server.bind-address=127.0.0.1:0", "demo.bots=3" })
class DashboardBrowserTest {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final int BOTS = 3;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Dimension DESKTOP = new Dimension(1400, 1200);
    /** As app.js shows at most. */
    private static final int FEED_LINES = 12;

    @LocalServerPort
    private int port;

    @Autowired
    private NetcodeServer server;

    @Autowired
    private EventFeed feed;

    @Autowired
    private Arena arena;

    @Autowired
    private NetcodeEndpoint endpoint;

    @Test
    void slotTableListsTheBotsWithTheirRoundTripAndTheArenaAndEventFeedAreDrawn(@TempDir Path profile)
            throws Exception {
        onDashboard(profile, port, DESKTOP, (driver, wait) -> {
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
                        .allMatch(cells -> cells.get(6).matches("\\d+\\.\\d ms") && cells.get(7).matches("\\d+\\.\\d %"));
                });

            // Each row is named after the player in that slot (the name in the token's user data).
            wait.withMessage("every slot row to carry the name of the player in that slot")
                .until(d -> {
                    Map<String, String> expected = namesBySlot();
                    Map<String, String> shown = new HashMap<>();
                    slotCells(d).forEach(cells -> shown.put(cells.get(0), cells.get(1)));
                    return expected.size() == BOTS && expected.equals(shown);
                });

            // The charts: packets and bytes in and out, players, drops by reason, and one line per
            // player for round-trip time and packet loss, drawn by uPlot from a few seconds of samples.
            wait.withMessage("the six charts drawn by uPlot with a few seconds of samples and a line per player")
                .until(d -> {
                    Map<String, Map<String, String>> charts = charts(d);
                    Set<String> names = new HashSet<>(namesBySlot().values());
                    return charts.size() == 6 && charts.values().stream()
                        .allMatch(chart -> "true".equals(chart.get("drawn")) && Integer.parseInt(chart.get("points")) >= 3)
                            && charts.get("chart-packets").get("series").equals("in,out")
                            && charts.get("chart-bytes").get("series").equals("in,out")
                            && charts.get("chart-players").get("series").equals("connected")
                            && Set.of(charts.get("chart-drops").get("series").split(",")).containsAll(dropReasons())
                            && Set.of(charts.get("chart-rtt").get("series").split(",")).containsAll(names)
                            && Set.of(charts.get("chart-loss").get("series").split(",")).containsAll(names);
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
        });
    }

    /**
     * An admin signs in on the page and kicks a connected bot: the page's DELETE carries the CSRF
     * token, the server disconnects that client and its row leaves the table.
     */
    @Test
    void anAdminKicksAConnectedPlayerFromTheSlotTable(@TempDir Path profile) throws Exception {
        onDashboard(profile, port, DESKTOP, (driver, wait) -> {
            wait.withMessage("no kick buttons before an admin signs in, and the bots in the table")
                .until(d -> slotCells(d).size() == BOTS && d.findElements(By.cssSelector("#slots button.kick")).isEmpty());

            driver.findElement(By.id("admin-password")).sendKeys("admin-pass");
            driver.findElement(By.id("admin-sign-in")).click();
            ServerSnapshot.Client victim = server.snapshot().clients().get(0);
            String victimId = Long.toUnsignedString(victim.clientId());
            String kick = "#slots tr[data-client-id='" + victimId + "'] button.kick";
            // The table is rendered anew every second, so a button found by the driver may be replaced
            // before its click lands: find and click it in one script, in the page.
            wait.withMessage("to click the kick button in the row of client " + victimId).until(d -> (Boolean)
                    ((JavascriptExecutor) d).executeScript("const button = document.querySelector(arguments[0]);"
                            + " if (button) { button.click(); } return button !== null;", kick));

            wait.withMessage("the server to have disconnected client " + victimId + " and the page to say so")
                .until(d -> !connectedClientIds().contains(victimId)
                        && d.findElement(By.id("admin-message")).getText().equals("disconnected slot " + victim.index()));
            wait.withMessage("the row of client " + victimId + " to leave the slot table")
                .until(d -> !clientIdCells(d).contains(victimId));
        });
    }

    /** At phone width the page does not scroll sideways: the arena, charts and tables fit. */
    @Test
    @SuppressWarnings("unchecked")
    void atPhoneWidthNothingScrollsSideways(@TempDir Path profile) throws Exception {
        onDashboard(profile, port, new Dimension(390, 844), (driver, wait) -> {
            wait.withMessage("the arena drawn, its placeholder gone, the charts and the bots' rows in")
                .until(d -> ((Number) canvasPixels(d).get("frames")).longValue() > 0
                        && !d.findElement(By.id("arena-placeholder")).isDisplayed()
                        && charts(d).values().stream().allMatch(chart -> Integer.parseInt(chart.get("points")) >= 2)
                        && slotCells(d).size() == BOTS);
            Map<String, Object> widths = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
                    return { viewport: document.documentElement.clientWidth,
                             page: document.documentElement.scrollWidth,
                             arena: document.getElementById('arena').getBoundingClientRect().right,
                             charts: Math.max(...Array.from(document.querySelectorAll('.uplot'))
                                 .map(e => e.getBoundingClientRect().right)) };""");
            long viewport = ((Number) widths.get("viewport")).longValue();
            assertThat(viewport).isLessThanOrEqualTo(390);
            assertThat(((Number) widths.get("page")).longValue()).as("page width %s", widths).isLessThanOrEqualTo(viewport);
            assertThat(((Number) widths.get("arena")).doubleValue()).as("arena %s", widths).isLessThanOrEqualTo(viewport);
            assertThat(((Number) widths.get("charts")).doubleValue()).as("charts %s", widths).isLessThanOrEqualTo(viewport);
            saveScreenshot(driver, "dashboard-phone.png");
        });
    }

    /**
     * A browser's DELETE must carry the CSRF token (the page sends it from the XSRF-TOKEN cookie):
     * without it an admin's credentials are refused, with it they are taken. A script's DELETE (no
     * Origin, no Sec-Fetch-Site) needs none; DemoApplicationIntegrationTest kicks that way.
     */
    @Test
    void aBrowsersDeleteNeedsTheCsrfToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        String admin = "Basic " + Base64.getEncoder().encodeToString("admin:admin-pass".getBytes(StandardCharsets.UTF_8));
        // Slot 0 with a client id no one has: a kick that is allowed answers 409 (nothing to disconnect).
        URI kick = URI.create(base + "/actuator/netcode/0?clientId=1");
        HttpResponse<String> withoutToken = http.send(HttpRequest.newBuilder(kick).header("Authorization", admin)
            .header("Origin", base).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withoutToken.statusCode()).isEqualTo(403);

        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/netcode")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String token = read.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN="))
            .map(c -> c.substring("XSRF-TOKEN=".length(), c.indexOf(';'))).findFirst().orElseThrow();
        HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(kick).header("Authorization", admin)
            .header("Origin", base).header("Cookie", "XSRF-TOKEN=" + token).header("X-XSRF-TOKEN", token)
            .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(409);
    }

    /** The name of the player in each connected slot, as the server's slots and the game have them. */
    private Map<String, String> namesBySlot() {
        Map<Long, String> names = arena.snapshot().players().stream()
            .collect(Collectors.toMap(Arena.PlayerView::clientId, Arena.PlayerView::name));
        Map<String, String> bySlot = new HashMap<>();
        for (ServerSnapshot.Client client : server.snapshot().clients()) {
            bySlot.put(String.valueOf(client.index()), names.getOrDefault(client.clientId(), "–"));
        }
        return bySlot;
    }

    /** The drop reasons /actuator/netcode counts. */
    private Set<String> dropReasons() {
        return endpoint.server().getTotals().getDrops().keySet();
    }

    /** Per chart element id: its series names, its number of samples and whether uPlot drew it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> charts(WebDriver driver) {
        return (Map<String, Map<String, String>>) ((JavascriptExecutor) driver).executeScript(
                "return Object.fromEntries(Array.from(document.querySelectorAll('#charts .chart')).map(c => [c.id,"
                        + " { series: c.dataset.series || '', points: c.dataset.points || '0',"
                        + " drawn: String(c.querySelector('.uplot canvas') !== null) }]));");
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
            onDashboard(profile, fleetPort, DESKTOP, (driver, wait) -> {

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
            });
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

    /** What a test does with the dashboard open in a browser, waiting with {@code wait}. */
    interface DashboardCheck {
        void run(WebDriver driver, WebDriverWait wait) throws Exception;
    }

    /**
     * Opens the dashboard on {@code port} in a window of {@code size}, runs {@code check} and closes
     * the browser. The page re-renders its tables every second, so an element found may be replaced
     * before it is read: {@code wait} retries then. Skipped when Chromium is not installed.
     */
    private static void onDashboard(Path profile, int port, Dimension size, DashboardCheck check) throws Exception {
        assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                "Chromium not installed: apt-get install chromium chromium-driver");
        WebDriver driver = startChromium(profile);
        try {
            driver.manage().window().setSize(size);
            driver.get("http://127.0.0.1:" + port + "/");
            WebDriverWait wait = new WebDriverWait(driver, WAIT);
            wait.ignoring(StaleElementReferenceException.class);
            check.run(driver, wait);
        }
        finally {
            driver.quit();
        }
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
                "--disable-sync", "--user-data-dir=" + profile.toAbsolutePath());
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
                        + ".filter(row => row.cells.length > 1).map(row => row.cells[2].textContent.trim());");
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
                // Each player's colour as this browser paints playerColor(n), read back from a 1x1 canvas.
                const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
                const playerColors = new Set(((latest && latest.players) || []).map((p) => {
                  probe.fillStyle = playerColor(p.color);
                  probe.fillRect(0, 0, 1, 1);
                  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
                  return (r << 16) | (g << 8) | b;
                }));
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

    /** Of the whole page: the window grows to the page's height first. */
    private static void saveScreenshot(WebDriver driver, String name) throws Exception {
        long height = ((Number) ((JavascriptExecutor) driver)
            .executeScript("return document.documentElement.scrollHeight;")).longValue();
        driver.manage().window().setSize(new Dimension(driver.manage().window().getSize().getWidth(), (int) height + 100));
        File screenshot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(screenshot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
