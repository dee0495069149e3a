package tern.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven through Debian's chromedriver, both named by path: Selenium Manager
 * is never asked to find (or download) a driver or a browser. The browser may resolve no name
 * but loopback addresses, so a page can reach nothing but the server under test.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path screenshots;
    private int shot;

    private Browser(ChromeDriver driver, Path screenshots) {
        this.driver = driver;
        this.screenshots = screenshots;
    }

    /**
     * @param profile     an empty directory for the browser's profile
     * @param screenshots where {@link #screenshot} saves its pictures
     */
    public static Browser start(Path profile, Path screenshots) throws IOException {
        RequiredTool.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver in /usr/bin (Debian's chromium and chromium-driver)");
        Files.createDirectories(screenshots);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(profile.resolveSibling("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,900", "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-default-apps", "--no-pings",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
        return new Browser(new ChromeDriver(service, options), screenshots);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(By by) {
        return driver.findElement(by);
    }

    public String text(By by) {
        return driver.findElement(by).getText();
    }

    public boolean has(By by) {
        return !driver.findElements(by).isEmpty();
    }

    /** Waits for an element the page just loaded (after a click or a form post). */
    public WebElement await(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    /** Reloads {@code url} until {@code by}'s text contains {@code text}: work under way in the server. */
    public void awaitText(String url, By by, String text) {
        Eventually.await(text + " at " + url, Duration.ofSeconds(60), () -> {
            driver.get(url);
            return driver.findElements(by).stream().anyMatch(e -> e.getText().contains(text));
        });
    }

    /**
     * Makes the browser post a form built by script on the current page, as another site's page
     * (or a forged form) would: only the fields given, none the console put there.
     */
    public void postForm(String action, Map<String, String> fields) {
        ((JavascriptExecutor) driver).executeScript("""
                const f = document.createElement('form');
                f.method = 'post';
                f.action = arguments[0];
                for (const [name, value] of Object.entries(arguments[1])) {
                  const i = document.createElement('input');
                  i.type = 'hidden'; i.name = name; i.value = value;
                  f.appendChild(i);
                }
                document.body.appendChild(f);
                f.submit();
                """, action, fields);
    }

    /** Saves what the browser shows as {@code NN-name.png}. */
    public Path screenshot(String name) throws IOException {
        Path file = screenshots.resolve(String.format("%02d-%s.png", ++shot, name));
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
