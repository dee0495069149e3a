package tern.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tern.config.Syntax;
import tern.dkim.SigningKey;

/** {@code tern dkim keygen DOMAIN SELECTOR}: a signing key and the TXT record to publish. */
final class DkimCommand implements Command {
    @Override
    public String name() {
        return "dkim";
    }

    @Override
    public String summary() {
        return "make a DKIM signing key and print its DNS TXT record";
    }

    @Override
    public String usage() {
        return """
                usage: tern dkim keygen DOMAIN SELECTOR [--algorithm rsa|ed25519] [--out FILE]

                Writes a new private key (PEM, PKCS#8, mode 0600; RSA 2048 bits by default) to
                FILE, default ./dkim-SELECTOR.DOMAIN.pem, never over an existing file, and prints
                the TXT record to publish at SELECTOR._domainkey.DOMAIN and the dkim: entry that
                uses the key. Ed25519 keys are small and fast, but some receivers still verify
                only RSA: publish both (two entries for one domain sign twice).
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of(), Set.of("--algorithm", "--out"));
        List<String> words = a.positionals(3, 3, "keygen DOMAIN SELECTOR");
        if (!words.getFirst().equals("keygen")) {
            throw new UsageException("unknown subcommand '" + words.getFirst() + "'");
        }
        String domain = words.get(1).toLowerCase(Locale.ROOT);
        String selector = words.get(2);
        if (!Syntax.isDomain(domain)) {
            throw new UsageException("'" + domain + "' is not a domain name");
        }
        if (!selector.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new UsageException("'" + selector + "' is not a selector (letters, digits, '-', '.')");
        }
        String algorithm = a.option("--algorithm").orElse("rsa").toLowerCase(Locale.ROOT);
        if (!algorithm.equals("rsa") && !algorithm.equals("ed25519")) {
            throw new UsageException("--algorithm is rsa or ed25519");
        }
        Path out = Path.of(a.option("--out").orElse("dkim-" + selector + "." + domain + ".pem"));
        KeyPair pair = generate(algorithm);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        try {
            Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(out, pem);
        } catch (FileAlreadyExistsException e) {
            terminal.err().println("tern dkim: " + out + " exists; not overwriting a key");
            return Exit.FAILURE;
        } catch (IOException e) {
            terminal.err().println("tern dkim: cannot write " + out + ": " + e.getMessage());
            return Exit.FAILURE;
        }
        String record = SigningKey.txtRecord(pair.getPublic());
        terminal.out().println("; the key is in " + out.toAbsolutePath());
        terminal.out().println(selector + "._domainkey." + domain + ". IN TXT ( " + quoted(record) + " )");
        terminal.out().println();
        terminal.out().println("# in tern.yaml:");
        terminal.out().println("dkim:");
        terminal.out().println("  - {domain: " + domain + ", selector: " + selector + ", privateKey: "
                + out.toAbsolutePath() + "}");
        return Exit.OK;
    }

    /** TXT strings of at most 255 octets each (RFC 1035 3.3.14); DKIM joins them (RFC 6376 3.6.2.2). */
    static String quoted(String record) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < record.length(); i += 250) {
            parts.add("\"" + record.substring(i, Math.min(record.length(), i + 250)) + "\"");
        }
        return String.join(" ", parts);
    }

    private static KeyPair generate(String algorithm) {
        try {
            if (algorithm.equals("ed25519")) {
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            }
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            return rsa.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no " + algorithm + " in this JDK", e);
        }
    }
}
