package tern.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DKIM signing (RFC 6376) of our own users' mail, once, as it is accepted: relaxed/relaxed,
 * {@code t=}, no {@code l=} (a length limit lets anyone append to a signed message).
 *
 * <p>The signed fields are the usual set of what a reader sees and what MIME needs to
 * show it. From, To and Subject are oversigned: named once more than they occur, so that
 * a field of that name added on the way breaks the signature instead of being shown (RFC
 * 6376 8.15). The key is chosen by the domain of the From: address: the entries of the
 * most specific {@code dkim:} domain that is that domain or a parent of it; two entries
 * for one domain sign twice (an RSA and an Ed25519 signature side by side, RFC 8463).
 *
 * <p>Pure bytes, no I/O; thread-safe.
 */
public final class DkimSigner {

    /** The fields signed when present, in this order. */
    static final List<String> SIGNED = List.of("from", "reply-to", "sender", "subject", "date", "message-id", "to", "cc",
            "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
            "list-id", "list-unsubscribe", "list-unsubscribe-post");
    /** Named once more than they occur. */
    static final List<String> OVERSIGNED = List.of("from", "to", "subject");
    private static final int LINE = 76;

    private final Map<String, List<SigningKey>> byDomain = new HashMap<>();

    public DkimSigner(List<SigningKey> keys) {
        for (SigningKey k : keys) {
            byDomain.computeIfAbsent(k.domain(), d -> new ArrayList<>()).add(k);
        }
    }

    public boolean isEmpty() {
        return byDomain.isEmpty();
    }

    /** The keys that sign mail From: {@code domain}: its own, else the nearest parent's; empty for none. */
    public List<SigningKey> keysFor(String domain) {
        String d = domain;
        while (true) {
            List<SigningKey> keys = byDomain.get(d);
            if (keys != null) {
                return keys;
            }
            int dot = d.indexOf('.');
            if (dot < 0) {
                return List.of();
            }
            d = d.substring(dot + 1);
        }
    }

    /**
     * {@code message} with a DKIM-Signature field in front for each key of its From: domain;
     * {@code message} itself when no key matches or it has no From: address.
     */
    public byte[] sign(byte[] message, Instant now) {
        if (byDomain.isEmpty()) {
            return message;
        }
        HeaderFields header = HeaderFields.of(message);
        String from = fromDomain(message, header);
        if (from == null) {
            return message;
        }
        List<SigningKey> keys = keysFor(from);
        if (keys.isEmpty()) {
            return message;
        }
        MessageDigest sha256 = sha256();
        Canonicalization.body(message, header.bodyStart(), sha256);
        String bodyHash = Base64.getEncoder().encodeToString(sha256.digest());
        List<String> names = signedNames(message, header);
        byte[] signedFields = canonicalFields(message, header, names);
        StringBuilder prefix = new StringBuilder(512 * keys.size());
        for (SigningKey key : keys) {
            prefix.append(signatureField(key, now, names, bodyHash, signedFields));
        }
        byte[] add = prefix.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[add.length + message.length];
        System.arraycopy(add, 0, out, 0, add.length);
        System.arraycopy(message, 0, out, add.length, message.length);
        return out;
    }

    private static String signatureField(SigningKey key, Instant now, List<String> names, String bodyHash,
                                         byte[] signedFields) {
        StringBuilder f = new StringBuilder(640);
        f.append("DKIM-Signature: v=1; a=").append(key.algorithm().tag()).append("; c=relaxed/relaxed; d=")
                .append(key.domain()).append("; s=").append(key.selector()).append(";\r\n\tt=")
                .append(now.getEpochSecond()).append("; h=");
        int column = 8 + 3 + String.valueOf(now.getEpochSecond()).length() + 5;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (i > 0) {
                f.append(':');
                column++;
                if (column + name.length() > LINE) {
                    f.append("\r\n\t");
                    column = 1;
                }
            }
            f.append(name);
            column += name.length();
        }
        f.append(";\r\n\tbh=").append(bodyHash).append(";\r\n\tb=");
        String unsigned = f.toString();
        byte[] text = unsigned.getBytes(StandardCharsets.US_ASCII);
        byte[] canonical = Canonicalization.header(text, 0, text.length);
        byte[] data = new byte[signedFields.length + canonical.length - 2]; // RFC 6376 3.7: no CRLF after it
        System.arraycopy(signedFields, 0, data, 0, signedFields.length);
        System.arraycopy(canonical, 0, data, signedFields.length, canonical.length - 2);
        String b = Base64.getEncoder().encodeToString(signature(key, data));
        StringBuilder field = new StringBuilder(unsigned.length() + b.length() + 32).append(unsigned);
        for (int i = 0; i < b.length(); i += LINE - 4) {
            if (i > 0) {
                field.append("\r\n\t ");
            }
            field.append(b, i, Math.min(b.length(), i + LINE - 4));
        }
        return field.append("\r\n").toString();
    }

    private static byte[] signature(SigningKey key, byte[] data) {
        try {
            return switch (key.algorithm()) {
                case RSA_SHA256 -> {
                    Signature rsa = Signature.getInstance("SHA256withRSA");
                    rsa.initSign(key.key());
                    rsa.update(data);
                    yield rsa.sign();
                }
                case ED25519_SHA256 -> {
                    // RFC 8463 3: PureEdDSA over the SHA-256 hash of the header data
                    Signature ed = Signature.getInstance("Ed25519");
                    ed.initSign(key.key());
                    ed.update(sha256().digest(data));
                    yield ed.sign();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key, e);
        }
    }

    /** The {@code h=} list: each signed field as often as it occurs, the oversigned ones once more. */
    static List<String> signedNames(byte[] m, HeaderFields header) {
        List<String> names = new ArrayList<>();
        for (String name : SIGNED) {
            int count = 0;
            for (HeaderFields.Field f : header.fields()) {
                if (f.named(m, name)) {
                    count++;
                }
            }
            if (OVERSIGNED.contains(name)) {
                count++;
            }
            for (int i = 0; i < count; i++) {
                names.add(name);
            }
        }
        return names;
    }

    /** RFC 6376 5.4.2: for each name in h=, the next instance from the bottom; none left = nothing. */
    private static byte[] canonicalFields(byte[] m, HeaderFields header, List<String> names) {
        Map<String, Integer> used = new HashMap<>();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1024);
        List<HeaderFields.Field> fields = header.fields();
        for (String name : names) {
            int skip = used.merge(name, 1, Integer::sum) - 1;
            for (int i = fields.size() - 1; i >= 0; i--) {
                HeaderFields.Field f = fields.get(i);
                if (f.named(m, name) && skip-- == 0) {
                    out.writeBytes(Canonicalization.header(m, f.start(), f.end()));
                    break;
                }
            }
        }
        return out.toByteArray();
    }

    /** The domain of the (first) From: address, A-labels, or null. */
    static String fromDomain(byte[] m, HeaderFields header) {
        for (HeaderFields.Field f : header.fields()) {
            if (f.named(m, "from")) {
                String value = new String(m, f.nameEnd(), f.end() - f.nameEnd(), StandardCharsets.UTF_8);
                value = value.substring(value.indexOf(':') + 1);
                int lt = value.indexOf('<');
                String address = lt >= 0 && value.indexOf('>', lt) > lt ? value.substring(lt + 1, value.indexOf('>', lt))
                        : value.replaceAll("\\([^)]*\\)", "").strip();
                int at = address.lastIndexOf('@');
                if (at < 0) {
                    return null;
                }
                String domain = address.substring(at + 1).strip();
                int stop = 0;
                while (stop < domain.length() && ",;> \t\r\n".indexOf(domain.charAt(stop)) < 0) {
                    stop++;
                }
                try {
                    return tern.address.DomainName.toAscii(domain.substring(0, stop));
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
    }
}
