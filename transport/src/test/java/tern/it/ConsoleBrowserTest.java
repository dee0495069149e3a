package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tern.queue.QueueId;
import tern.testing.Browser;
import tern.testing.LoopbackPorts;
import tern.testing.Submission;
import tern.testing.TernProcess;

/**
 * The console in a real browser (headless Chromium) against {@code tern serve} on loopback: an
 * operator reads the overview and the queue, is refused until signed in, retries and deletes,
 * follows a message's attempts, and changes the first retry interval, which the next deferral
 * then uses. Screenshots of each step go to {@code target/surefire-reports/console-screenshots}.
 */
class ConsoleBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "surefire-reports", "console-screenshots");
    private static final String EVIL = "\"<script>alert(1)</script>\"@evil.test";

    @TempDir
    Path dir;

    @Test
    void anOperatorWatchesRetriesDeletesAndChangesTheFirstRetryIntervalInABrowser() throws Exception {
        try (java.net.Socket closed = LoopbackPorts.refusingPort()) { // bound, never listening: every attempt is deferred
            operate(closed.getLocalPort());
        }
    }

    private void operate(int refusing) throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("tern.yaml");
        String original = """
                # The console test's server
                server:
                  fqdn: console.tern.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                domains:
                  local: [console.tern.test]
                delivery:
                  retry:
                    first: 15m   # IIS said 10 minutes
                routes:
                  - {domain: refused.test, nextHop: "[127.0.0.1]:%d"}
                dns:
                  servers: ["127.0.0.1:%d"]
                admin:
                  listen: "127.0.0.1:0"
                """.formatted(data, refusing, refusing);
        Files.writeString(config, original);

        try (TernProcess server = TernProcess.serve(config, dir.resolve("serve.log"));
             Browser browser = Browser.start(dir.resolve("chromium-profile"), SCREENSHOTS)) {
            String base = "http://127.0.0.1:" + server.adminPort();
            var smtp = new java.net.InetSocketAddress("127.0.0.1", server.smtpPort());
            Submission.send(smtp, "<ann@example.org>", List.of("<postmaster@console.tern.test>"), "Subject: local\r\n\r\nhi");
            QueueId a = Submission.send(smtp, "<ann@example.org>", List.of("<bob@refused.test>"), "Subject: A\r\n\r\nfirst");
            QueueId b = Submission.send(smtp, "<" + EVIL + ">", List.of("<carl@refused.test>"), "Subject: B\r\n\r\nsecond");
            browser.awaitText(base + "/queue", By.id("message-count"), "2 of 2 queued messages");
            browser.awaitText(base + "/queue", By.cssSelector("tbody#m-" + b.value() + " td.state"), "deferred");
            browser.awaitText(base + "/queue", By.cssSelector("tbody#m-" + a.value() + " td.state"), "deferred");

            // The overview: the counts, and both pictures. Its queue figures are the gauges the
            // queue manager publishes now and then, so they may lag the queue page a moment.
            browser.awaitText(base + "/", By.id("queued"), "2");
            assertThat(browser.text(By.id("fqdn"))).isEqualTo("console.tern.test");
            assertThat(browser.text(By.id("accepted"))).isEqualTo("3");
            assertThat(browser.text(By.id("delivered"))).isEqualTo("1");
            // deferrals counted, not messages: a destination found down defers without connecting too
            assertThat(Integer.parseInt(browser.text(By.id("deferred")))).isGreaterThanOrEqualTo(2);
            assertThat(browser.text(By.id("queued"))).isEqualTo("2");
            assertThat(browser.has(By.cssSelector("svg#latency rect"))).isTrue();
            assertThat(browser.has(By.cssSelector("svg#queue-size"))).isTrue();
            browser.screenshot("overview");

            // The queue, read-only: the deferred messages, the sender shown as written, no buttons.
            browser.open(base + "/queue");
            assertThat(browser.text(By.cssSelector("tbody#m-" + b.value() + " td.address"))).isEqualTo("<" + EVIL + ">");
            assertThat(browser.text(By.cssSelector("tbody#m-" + a.value() + " td.reply"))).containsIgnoringCase("connection refused");
            assertThat(browser.text(By.cssSelector("#queue-shape tbody th"))).isEqualTo("refused.test");
            assertThat(browser.has(By.cssSelector("button[value=retry]"))).isFalse();
            assertThat(browser.text(By.cssSelector("header .who"))).contains("Read-only").contains(data + "/admin.token");
            browser.screenshot("queue-read-only");

            // Without signing in, a form post (as another page could make) is refused.
            browser.postForm("/queue", Map.of("action", "delete", "id", a.value()));
            assertThat(browser.await(By.id("refused")).getText()).contains("Sign in with the admin token");
            browser.open(base + "/queue");
            assertThat(browser.has(By.id("m-" + a.value()))).isTrue();

            // Sign in with the token from the data directory.
            browser.find(By.linkText("sign in")).click();
            browser.await(By.id("token")).sendKeys(Files.readString(data.resolve("admin.token")).strip());
            browser.find(By.id("sign-in")).click();
            assertThat(browser.await(By.cssSelector("p.notice")).getText()).isEqualTo("Signed in.");
            assertThat(browser.text(By.cssSelector("header .who"))).contains("Signed in");

            // Signed in, a form without the session's CSRF token is still refused.
            browser.postForm("/queue", Map.of("action", "retry", "id", a.value()));
            assertThat(browser.await(By.id("refused")).getText()).contains("CSRF");

            // The message's timeline, then a retry from its page: a second attempt appears.
            browser.open(base + "/message/" + a.value());
            assertThat(browser.text(By.id("timeline"))).contains("Accepted").contains("attempt 1 for <bob@refused.test> via ")
                    .contains(":" + refusing).containsIgnoringCase("connection refused").contains("(retry in 15m)");
            browser.find(By.cssSelector(".actions button[value=retry]")).click();
            assertThat(browser.await(By.cssSelector("p.notice")).getText()).isEqualTo("Retrying " + a + " now.");
            browser.awaitText(base + "/message/" + a.value(), By.id("timeline"), "attempt 2 for <bob@refused.test>");
            assertThat(browser.text(By.id("timeline"))).contains("Retry requested by the operator").contains("(retry in 30m)");
            browser.screenshot("message-timeline");

            // Delete B from the queue page: to Badmail, and gone from the queue.
            browser.open(base + "/queue");
            browser.find(By.cssSelector("tbody#m-" + b.value() + " button[value=delete]")).click();
            assertThat(browser.await(By.cssSelector("p.notice")).getText())
                    .isEqualTo("Deleted " + b + ": moved to Badmail.");
            assertThat(browser.has(By.id("m-" + b.value()))).isFalse();
            assertThat(data.resolve("badmail/" + b.value() + ".bad")).exists();
            browser.screenshot("queue-after-delete");

            // Settings: a bad first retry interval is refused naming the key; the file is untouched.
            browser.open(base + "/settings");
            WebElement first = browser.find(By.id("f-delivery.retry.first"));
            assertThat(first.getAttribute("value")).isEqualTo("15m");
            first.clear();
            first.sendKeys("soon");
            browser.find(By.id("apply")).click();
            assertThat(browser.await(By.id("errors")).getText())
                    .contains("delivery.retry.first: 'soon' is not valid; expected a duration");
            assertThat(Files.readString(config)).isEqualTo(original);
            browser.screenshot("settings-error");

            // A good one is written in place, the old file kept, and applied by a reload.
            first = browser.find(By.id("f-delivery.retry.first"));
            first.clear();
            first.sendKeys("2h");
            browser.find(By.id("apply")).click();
            assertThat(browser.await(By.cssSelector("p.notice")).getText()).contains("Saved delivery.retry.first to")
                    .contains("and applied");
            assertThat(Files.readString(config)).isEqualTo(original.replace("first: 15m   #", "first: 2h   #"));
            assertThat(Files.readString(dir.resolve("tern.yaml.bak"))).isEqualTo(original);
            assertThat(browser.find(By.id("f-delivery.retry.first")).getAttribute("value")).isEqualTo("2h");
            browser.screenshot("settings-saved");

            // The next first deferral waits the new interval.
            QueueId c = Submission.send(smtp, "<ann@example.org>", List.of("<dora@refused.test>"), "Subject: C\r\n\r\nthird");
            browser.awaitText(base + "/message/" + c.value(), By.id("timeline"), "attempt 1 for <dora@refused.test>");
            assertThat(browser.text(By.id("timeline"))).contains("(retry in 2h)");
            browser.open(base + "/queue?domain=refused.test&state=deferred");
            assertThat(browser.text(By.cssSelector("tbody#m-" + c.value()))).containsPattern("\\(in (1h 59m|2h)\\)");
            browser.screenshot("queue-after-settings");
            assertThat(server.log()).contains("configuration reloaded");
            assertThat(server.terminate(Duration.ofSeconds(30))).isZero();
        }
    }
}
