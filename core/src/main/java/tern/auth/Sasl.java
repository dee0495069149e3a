package tern.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * One SMTP session's side of an AUTH exchange (RFC 4954) for the PLAIN (RFC 4616) and LOGIN
 * mechanisms, as a state machine the session drives one line at a time: {@link #start} with
 * the AUTH command's arguments, then {@link #respond} with each line the client sends while
 * {@link #inProgress()}.
 *
 * <p>It decodes, it does not verify: checking a password costs hundreds of milliseconds on
 * purpose, so the exchange ends in {@link Step.Credentials}, which the session checks
 * ({@link UserFile#verify}) away from its event loop before answering
 * {@link Replies#AUTH_SUCCEEDED} or {@link Replies#AUTH_FAILED}. Every other end of the
 * exchange carries the reply to send.
 *
 * <p>Not thread-safe: it belongs to one session.
 */
public final class Sasl {
    /** The mechanisms for the EHLO keyword: {@code 250-AUTH PLAIN LOGIN}. */
    public static final String MECHANISMS = "PLAIN LOGIN";

    // LOGIN's prompts, "Username:" and "Password:" in base64, as every client expects them.
    static final Reply USERNAME_PROMPT = new Reply(334, null, "VXNlcm5hbWU6");
    static final Reply PASSWORD_PROMPT = new Reply(334, null, "UGFzc3dvcmQ6");
    /** PLAIN without an initial response: an empty challenge, "334 " (RFC 4954 4). */
    static final Reply EMPTY_CHALLENGE = new Reply(334, null, "");

    /** What the session does next. */
    public sealed interface Step {
        /** Send {@code reply} (a 334) and pass the client's next line to {@link #respond}. */
        record Challenge(Reply reply) implements Step {
        }

        /**
         * The client's credentials: verify them, then answer {@link Replies#AUTH_SUCCEEDED} or
         * {@link Replies#AUTH_FAILED}, and {@link #erase()} the password. {@code user} is the
         * authentication identity; PLAIN's authorization identity, when given, equals it.
         */
        record Credentials(String user, char[] password) implements Step {
            public void erase() {
                PasswordHash.erase(password);
            }

            @Override
            public String toString() {
                return "Credentials[user=" + user + ", password=(hidden)]";
            }
        }

        /** The exchange is over without a password to check: send {@code reply}. */
        record Refused(Reply reply, Reason reason) implements Step {
        }
    }

    /** Why an exchange ended without credentials; only {@link #FAILED} is a guess worth throttling. */
    public enum Reason {
        /** 535 5.7.8: credentials that cannot be right (empty, or acting for another identity). */
        FAILED,
        /** 501 5.0.0: the client sent {@code *}. */
        CANCELLED,
        /** 501 5.5.2: a response that is not base64, or not UTF-8 once decoded. */
        BAD_BASE64,
        /** 504 5.5.4: a mechanism Tern does not offer. */
        UNKNOWN_MECHANISM,
        /** 501 5.5.4: the AUTH command itself is malformed. */
        SYNTAX
    }

    private enum State { IDLE, PLAIN_RESPONSE, LOGIN_USERNAME, LOGIN_PASSWORD }

    private State state = State.IDLE;
    private String loginUser;

    /** True while a challenge is out and the next line belongs to this exchange. */
    public boolean inProgress() {
        return state != State.IDLE;
    }

    /**
     * Begins an exchange from {@code AUTH mechanism [initial-response]}.
     *
     * @param initialResponse the base64 text after the mechanism, {@code "="} for an empty one,
     *                        or null when the command had none
     */
    public Step start(String mechanism, String initialResponse) {
        reset();
        if (mechanism == null || mechanism.isEmpty()) {
            return refused(Reason.SYNTAX);
        }
        return switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> {
                if (initialResponse == null) {
                    state = State.PLAIN_RESPONSE;
                    yield new Step.Challenge(EMPTY_CHALLENGE);
                }
                yield plain(initialResponse);
            }
            case "LOGIN" -> {
                if (initialResponse == null) {
                    state = State.LOGIN_USERNAME;
                    yield new Step.Challenge(USERNAME_PROMPT);
                }
                yield loginUsername(initialResponse);
            }
            default -> refused(Reason.UNKNOWN_MECHANISM);
        };
    }

    /** The client's answer to the last challenge: one line, without its CRLF. */
    public Step respond(String line) {
        State s = state;
        if (s == State.IDLE) {
            throw new IllegalStateException("no AUTH exchange in progress");
        }
        state = State.IDLE;
        if (line.equals("*")) {
            reset();
            return refused(Reason.CANCELLED);
        }
        return switch (s) {
            case PLAIN_RESPONSE -> plain(line);
            case LOGIN_USERNAME -> loginUsername(line);
            case LOGIN_PASSWORD -> loginPassword(line);
            case IDLE -> throw new AssertionError();
        };
    }

    /** Abandons any exchange in progress (RSET does not, but a closed connection or STARTTLS would). */
    public void reset() {
        state = State.IDLE;
        loginUser = null;
    }

    // RFC 4616: message = [authzid] UTF8NUL authcid UTF8NUL passwd; authcid and passwd non-empty.
    private Step plain(String response) {
        byte[] bytes = decode(response);
        if (bytes == null) {
            return refused(Reason.BAD_BASE64);
        }
        try {
            int first = indexOf(bytes, 0);
            int second = first < 0 ? -1 : indexOf(bytes, first + 1);
            if (second < 0 || indexOf(bytes, second + 1) >= 0) {
                return refused(Reason.FAILED);
            }
            String authzid = utf8(bytes, 0, first);
            String authcid = utf8(bytes, first + 1, second);
            char[] password = utf8Chars(bytes, second + 1, bytes.length);
            if (authzid == null || authcid == null || password == null) {
                PasswordHash.erase(password);
                return refused(Reason.BAD_BASE64);
            }
            // Tern has no proxy users: acting for someone else is never authorized.
            if (authcid.isEmpty() || password.length == 0 || !authzid.isEmpty() && !authzid.equals(authcid)) {
                PasswordHash.erase(password);
                return refused(Reason.FAILED);
            }
            return new Step.Credentials(authcid, password);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private Step loginUsername(String response) {
        byte[] bytes = decode(response);
        if (bytes == null) {
            return refused(Reason.BAD_BASE64);
        }
        String user = utf8(bytes, 0, bytes.length);
        if (user == null) {
            return refused(Reason.BAD_BASE64);
        }
        if (user.isEmpty() || user.indexOf('\0') >= 0) {
            return refused(Reason.FAILED);
        }
        loginUser = user;
        state = State.LOGIN_PASSWORD;
        return new Step.Challenge(PASSWORD_PROMPT);
    }

    private Step loginPassword(String response) {
        String user = loginUser;
        loginUser = null;
        byte[] bytes = decode(response);
        if (bytes == null) {
            return refused(Reason.BAD_BASE64);
        }
        try {
            char[] password = utf8Chars(bytes, 0, bytes.length);
            if (password == null) {
                return refused(Reason.BAD_BASE64);
            }
            if (password.length == 0) {
                return refused(Reason.FAILED);
            }
            return new Step.Credentials(user, password);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static Step.Refused refused(Reason reason) {
        Reply reply = switch (reason) {
            case FAILED -> Replies.AUTH_FAILED;
            case CANCELLED -> Replies.AUTH_CANCELLED;
            case BAD_BASE64 -> Replies.AUTH_BAD_BASE64;
            case UNKNOWN_MECHANISM -> Replies.AUTH_MECHANISM_UNKNOWN;
            case SYNTAX -> Replies.SYNTAX_ERROR;
        };
        return new Step.Refused(reply, reason);
    }

    /** Strict base64 (no white space inside); {@code "="} is the empty response of RFC 4954. */
    private static byte[] decode(String text) {
        if (text.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String utf8(byte[] bytes, int from, int to) {
        char[] chars = utf8Chars(bytes, from, to);
        return chars == null ? null : new String(chars);
    }

    /** Decodes strictly: a malformed sequence is an error, not a replacement character. */
    private static char[] utf8Chars(byte[] bytes, int from, int to) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, from, to - from));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            // The decoder's buffer held the password too.
            chars.clear();
            while (chars.hasRemaining()) {
                chars.put('\0');
            }
            return out;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
