package tern.server;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.auth.Sasl;
import tern.smtp.Replies;

/**
 * AUTH (RFC 4954) for one session: the SASL exchange, the password check on a virtual thread
 * (never on the event loop), and the throttle that holds every answer back as long as a
 * failure's, so a guesser learns nothing from the time it takes.
 */
final class Authentication {

    private static final Logger log = LoggerFactory.getLogger(Authentication.class);

    private final InboundContext server;
    private final SmtpProtocol session;
    private final SmtpFramer framer;
    private Sasl sasl;
    private String user;

    Authentication(InboundContext server, SmtpProtocol session, SmtpFramer framer) {
        this.server = server;
        this.session = session;
        this.framer = framer;
    }

    /** Who the client authenticated as; null before a successful AUTH. */
    String user() {
        return user;
    }

    /** A challenge was sent: the next line is the client's response, not a command. */
    boolean inProgress() {
        return sasl != null && sasl.inProgress();
    }

    /** A bad line or a new session (STARTTLS) ends an exchange half way. */
    void abandon() {
        if (sasl != null) {
            sasl.reset();
        }
    }

    /** RFC 3207 4.2: after STARTTLS nothing learned before counts. */
    void forget() {
        user = null;
        abandon();
    }

    /** AUTH with {@code arg}; {@code offered}: this connection may carry credentials. */
    void start(String arg, boolean offered) {
        if (user != null) {
            session.reply(Replies.AUTH_ALREADY);
            return;
        }
        if (!offered) {
            session.reply(Replies.ENCRYPTION_REQUIRED);
            return;
        }
        int space = arg.indexOf(' ');
        String mechanism = space < 0 ? arg : arg.substring(0, space);
        String initial = space < 0 ? null : arg.substring(space + 1);
        if (sasl == null) {
            sasl = new Sasl();
        }
        step(sasl.start(mechanism, initial));
    }

    void respond(String line) {
        step(sasl.respond(line));
    }

    private void step(Sasl.Step step) {
        switch (step) {
            case Sasl.Step.Challenge c -> session.reply(c.reply());
            case Sasl.Step.Refused r when r.reason() == Sasl.Reason.FAILED -> checked(null, false, 0);
            case Sasl.Step.Refused r -> session.reply(r.reply());
            case Sasl.Step.Credentials c -> verify(c);
        }
    }

    /** The password check runs on a virtual thread; its answer comes back to this loop. */
    private void verify(Sasl.Step.Credentials credentials) {
        framer.hold(SmtpFramer.Input.AUTHENTICATING);
        long started = System.nanoTime();
        String client = session.client().text();
        Thread.ofVirtual().name("auth-check").start(() -> {
            boolean ok = false;
            try {
                // A login verified a moment ago costs one HMAC; a cold one a key derivation,
                // and only authSlots of those run at once, whatever the number of clients.
                ok = server.users.verifiedRecently(credentials.user(), credentials.password());
                if (!ok) {
                    server.authSlots.acquire();
                    try {
                        ok = server.users.verify(credentials.user(), credentials.password());
                    } finally {
                        server.authSlots.release();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("client={} AUTH check failed: {}", client, e.toString());
            } finally {
                credentials.erase();
            }
            boolean verified = ok;
            try {
                session.executor().execute(() -> checked(credentials.user(), verified, started));
            } catch (RejectedExecutionException e) {
                // the loop is gone: so is the session
            }
        });
    }

    /**
     * Answers an AUTH attempt, but not before the throttle's delay for this address has passed
     * since the attempt began: a success is held back as long as a failure, or a guesser could
     * stop waiting once the delay showed the answer was no.
     */
    private void checked(String name, boolean ok, long startedNanos) {
        if (framer.mode() == SmtpFramer.Input.CLOSED) {
            return;
        }
        String client = session.client().text();
        long delay = server.authThrottle.delayFor(client).toNanos()
                - (startedNanos == 0 ? 0 : System.nanoTime() - startedNanos);
        if (!ok) {
            server.authThrottle.failed(client);
        }
        if (delay > 0) {
            framer.hold(SmtpFramer.Input.AUTHENTICATING);
            session.executor().schedule(() -> answer(name, ok), delay, TimeUnit.NANOSECONDS);
        } else {
            answer(name, ok);
        }
    }

    private void answer(String name, boolean ok) {
        SmtpFramer.Input mode = framer.mode();
        if (mode == SmtpFramer.Input.CLOSED) {
            return;
        }
        String client = session.client().text();
        if (ok) {
            server.authThrottle.succeeded(client);
            user = name;
            log.info("client={} authenticated as {}", client, name);
            session.reply(Replies.AUTH_SUCCEEDED);
        } else {
            log.info("client={} AUTH failed{}", client, name == null ? "" : " for " + name);
            session.reply(Replies.AUTH_FAILED);
        }
        if (mode == SmtpFramer.Input.AUTHENTICATING) {
            session.resumeReading();
        } // else answered inline, from the framer's loop, which goes on by itself
    }

    /** The connection is gone. */
    void closed() {
        abandon();
    }
}
