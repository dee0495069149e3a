package tern.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import tern.auth.PasswordHash;
import tern.auth.UserFile;
import tern.config.TernConfig;
import tern.config.Syntax;

/**
 * {@code tern user add ADDRESS}: a mailbox user for authenticated submission. The users live
 * in {@code <server.dataDir>/users} (one {@code address:hash} line each, mode 0600).
 */
final class UserCommand implements Command {
    /** The users file's name under the data directory. */
    static final String USERS_FILE = "users";

    @Override
    public String name() {
        return "user";
    }

    @Override
    public String summary() {
        return "add a user (user add ADDRESS)";
    }

    @Override
    public String usage() {
        return """
                usage: tern user add ADDRESS [--config FILE]

                Adds the user ADDRESS (local-part@domain), or sets a new password for it.
                The password is read from standard input: typed twice without echo on a
                terminal, or the first line of a pipe (printf '%s\\n' "$PW" | tern user add ...).
                Users are kept in <server.dataDir>/users, as salted PBKDF2 hashes.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of(), Set.of("--config"));
        List<String> words = a.positionals(1, 2, "what to do (add ADDRESS)");
        if (!words.getFirst().equals("add")) {
            throw new UsageException("unknown user command " + words.getFirst());
        }
        if (words.size() < 2) {
            throw new UsageException("missing the user's ADDRESS");
        }
        String address = words.get(1);
        if (!Syntax.isMailbox(address)) {
            throw new UsageException("not a mail address: " + address);
        }
        try {
            UserFile.checkUserName(address);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + ": " + address);
        }
        TernConfig config = terminal.config(a.option("--config"));
        Path file = config.server().dataDir().resolve(USERS_FILE);
        UserFile users = UserFile.load(file);

        char[] password = terminal.console() != null
                ? promptTwice(terminal.console(), address)
                : firstLine(terminal.in());
        if (password == null) {
            terminal.err().println("tern user: no password given (expected it on standard input)");
            return Exit.FAILURE;
        }
        try {
            boolean added = users.add(address, password);
            terminal.out().println((added ? "added user " : "changed the password of ") + address + " in " + file);
            return Exit.OK;
        } catch (UncheckedIOException e) {
            terminal.err().println("tern user: " + e.getMessage() + ": " + e.getCause().getMessage());
            return Exit.FAILURE;
        } finally {
            PasswordHash.erase(password);
        }
    }

    /** Asks twice without echo; null when the answers differ or are empty. */
    private static char[] promptTwice(Console console, String address) {
        char[] first = console.readPassword("Password for %s: ", address);
        if (first == null || first.length == 0) {
            return null;
        }
        char[] second = console.readPassword("Password again: ");
        boolean same = Arrays.equals(first, second);
        PasswordHash.erase(second);
        if (!same) {
            PasswordHash.erase(first);
            console.printf("The passwords differ.%n");
            return null;
        }
        return first;
    }

    /** The first line of {@code in} (CRLF or LF ended, UTF-8); null when there is none or it is empty. */
    static char[] firstLine(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input", e);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            if (length == 0) {
                return null;
            }
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new UsageException("the password on standard input is not UTF-8");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
