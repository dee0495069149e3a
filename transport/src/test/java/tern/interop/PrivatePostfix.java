package tern.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;

/**
 * A Postfix of its own for one test: main.cf and master.cf in a temporary config directory,
 * its own queue, data and mailbox directories, smtpd on one loopback port, no DNS and no
 * syslog (a log file instead). The system instance (/etc/postfix) is neither read nor touched.
 *
 * <p>Mail for {@code postfix.test} goes to Maildirs through the virtual(8) delivery agent,
 * so no system user is needed; virtual(8) prepends Return-Path and Delivered-To, the two
 * headers that prove what envelope Postfix was given. Everything else goes to the
 * {@code relayhost}, when there is one.
 */
final class PrivatePostfix implements AutoCloseable {

    static final String DOMAIN = "postfix.test";
    static final String HOSTNAME = "mx.postfix.test";

    private final Path conf;
    private final Path mailboxes;
    private final Path log;
    private final int port;
    private final String postfix;
    private boolean running;

    private PrivatePostfix(Path conf, Path mailboxes, Path log, int port, String postfix) {
        this.conf = conf;
        this.mailboxes = mailboxes;
        this.log = log;
        this.port = port;
        this.postfix = postfix;
    }

    /**
     * Starts Postfix in {@code dir} with smtpd on 127.0.0.1:{@code port}, mailboxes for
     * {@code users} (local parts in postfix.test), and every other domain relayed to
     * {@code relayhost} ("[127.0.0.1]:2525"), or refused when it is null.
     */
    static PrivatePostfix start(Path dir, int port, String relayhost, String... users) throws IOException {
        ExternalProgram.requireRoot("a private Postfix (master runs as root, drops to the postfix user)");
        String postfix = ExternalProgram.locate("postfix");
        ExternalProgram.locate("postconf");

        // Postfix daemons run as "postfix" and deliver as "nobody": they must be able to reach
        // their directories, so nothing on the way may be private to root (a @TempDir is 0700).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        for (Path p = dir.toAbsolutePath().getParent(); p != null && p.startsWith(tmp) && !p.equals(tmp);
             p = p.getParent()) {
            var perms = Files.getPosixFilePermissions(p);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path queue = Files.createDirectories(dir.resolve("queue"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path mailboxes = Files.createDirectories(dir.resolve("mailboxes"));
        Path logDir = Files.createDirectories(dir.resolve("log"));
        UserPrincipalLookupService users0 = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(data, users0.lookupPrincipalByName("postfix"));
        // virtual(8) delivers as nobody:nobody's group (uid and gid above virtual_minimum_uid).
        int nobodyGid = Integer.parseInt(ExternalProgram.check(Duration.ofSeconds(5), List.of("id", "-g", "nobody")).strip());
        Files.setOwner(mailboxes, users0.lookupPrincipalByName("nobody"));
        Files.setAttribute(mailboxes, "unix:gid", nobodyGid);
        Path log = logDir.resolve("maillog");
        Files.createFile(log);
        Files.setOwner(log, users0.lookupPrincipalByName("postfix"));
        int uid = (Integer) Files.getAttribute(mailboxes, "unix:uid");
        int gid = (Integer) Files.getAttribute(mailboxes, "unix:gid");

        StringBuilder vmailbox = new StringBuilder();
        for (String user : users) {
            // The trailing slash makes virtual(8) deliver in Maildir format.
            vmailbox.append(user).append('@').append(DOMAIN).append("  ").append(DOMAIN).append('/').append(user)
                    .append("/\n");
        }
        Files.writeString(conf.resolve("vmailbox"), vmailbox);
        Files.writeString(conf.resolve("main.cf"), """
                compatibility_level = 3.6
                queue_directory = %s
                data_directory = %s
                mail_owner = postfix
                setgid_group = postdrop
                myhostname = %s
                mydomain = %s
                myorigin = $myhostname
                mydestination =
                local_recipient_maps =
                local_transport = error:5.1.1 no local delivery in this instance
                alias_maps =
                alias_database =
                append_dot_mydomain = no
                biff = no
                inet_interfaces = loopback-only
                inet_protocols = ipv4
                mynetworks = 127.0.0.0/8
                smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
                virtual_mailbox_domains = %s
                virtual_mailbox_base = %s
                virtual_mailbox_maps = texthash:%s
                virtual_uid_maps = static:%d
                virtual_gid_maps = static:%d
                virtual_minimum_uid = 1
                relayhost = %s
                smtp_dns_support_level = disabled
                smtp_host_lookup = native
                smtpd_peername_lookup = no
                smtp_tls_security_level = none
                smtpd_tls_security_level = none
                maillog_file = %s
                # Postfix refuses a log file outside these prefixes (default /var, /dev/stdout)
                maillog_file_prefixes = %s
                # a test wants the message now, not after the default backoff
                queue_run_delay = 1s
                minimal_backoff_time = 1s
                maximal_backoff_time = 2s
                """.formatted(queue, data, HOSTNAME, DOMAIN, DOMAIN, mailboxes, conf.resolve("vmailbox"), uid, gid,
                relayhost == null ? "" : relayhost, log, logDir));
        // Debian's stock service list with chroot off and smtpd on one explicit loopback port.
        Files.writeString(conf.resolve("master.cf"), """
                127.0.0.1:%d inet n - n - - smtpd
                pickup    unix  n       -       n       60      1       pickup
                cleanup   unix  n       -       n       -       0       cleanup
                qmgr      unix  n       -       n       300     1       qmgr
                rewrite   unix  -       -       n       -       -       trivial-rewrite
                bounce    unix  -       -       n       -       0       bounce
                defer     unix  -       -       n       -       0       bounce
                trace     unix  -       -       n       -       0       bounce
                verify    unix  -       -       n       -       1       verify
                flush     unix  n       -       n       1000?   0       flush
                proxymap  unix  -       -       n       -       -       proxymap
                proxywrite unix -       -       n       -       1       proxymap
                smtp      unix  -       -       n       -       -       smtp
                relay     unix  -       -       n       -       -       smtp
                showq     unix  n       -       n       -       -       showq
                error     unix  -       -       n       -       -       error
                retry     unix  -       -       n       -       -       error
                discard   unix  -       -       n       -       -       discard
                virtual   unix  -       n       n       -       -       virtual
                anvil     unix  -       -       n       -       1       anvil
                scache    unix  -       -       n       -       1       scache
                postlog   unix-dgram n  -       n       -       1       postlogd
                """.formatted(port));

        var instance = new PrivatePostfix(conf, mailboxes, log, port, postfix);
        // "check" creates the queue's subdirectories with their owners and modes.
        for (String command : List.of("check", "start")) {
            var r = ExternalProgram.run(Duration.ofSeconds(20), List.of(postfix, "-c", conf.toString(), command));
            if (r.exit() != 0) {
                instance.running = command.equals("start");
                instance.close();
                throw new AssertionError("postfix " + command + " exited with " + r.exit() + ":\n" + r.output()
                        + instance.log());
            }
        }
        instance.running = true;
        instance.awaitListening(Duration.ofSeconds(15));
        return instance;
    }

    private void awaitListening(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IOException("postfix did not listen on " + port + ":\n" + log());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
    }

    int port() {
        return port;
    }

    /** The messages in {@code user}'s Maildir ({@code new/}), oldest name first. */
    List<String> maildir(String user) {
        return tern.testing.MaildirFolder.messages(mailboxes.resolve(DOMAIN).resolve(user));
    }

    /** Postfix's log so far; tests attach it to their failure messages. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            var stop = ExternalProgram.run(Duration.ofSeconds(20), List.of(postfix, "-c", conf.toString(), "stop"));
            if (stop.exit() != 0) {
                ExternalProgram.run(Duration.ofSeconds(10), List.of(postfix, "-c", conf.toString(), "abort"));
            }
        } catch (IOException | AssertionError e) {
            try {
                ExternalProgram.run(Duration.ofSeconds(10), List.of(postfix, "-c", conf.toString(), "abort"));
            } catch (IOException ignored) {
                // nothing more to try
            }
        }
    }
}
