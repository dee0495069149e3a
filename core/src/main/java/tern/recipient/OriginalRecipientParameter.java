package tern.recipient;

import tern.address.Mailbox;
import tern.smtp.Xtext;

/**
 * The ORCPT value (RFC 3461 4.2) for an address Tern rewrote: {@code rfc822;} and the address
 * in xtext, or for an internationalized address {@code utf-8;} and RFC 6533's
 * utf-8-addr-xtext, where anything but printable ASCII other than {@code + = \} is written
 * {@code \x{HEX}}.
 */
final class OriginalRecipientParameter {
    private OriginalRecipientParameter() {
    }

    static String of(Mailbox address) {
        String text = address.toString();
        if (!address.isInternationalized()) {
            return "rfc822;" + Xtext.encode(text);
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append("utf-8;");
        text.codePoints().forEach(cp -> {
            if (cp >= 0x21 && cp <= 0x7e && cp != '+' && cp != '=' && cp != '\\') {
                sb.append((char) cp);
            } else {
                sb.append("\\x{").append(Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT)).append('}');
            }
        });
        return sb.toString();
    }
}
