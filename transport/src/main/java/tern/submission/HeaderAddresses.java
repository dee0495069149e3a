package tern.submission;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tern.address.Mailbox;

/**
 * The envelope a message's own header fields give, as {@code sendmail -t} reads it: the
 * recipients of To, Cc and Bcc, the sender of From. When the message carries Resent- fields
 * (it is being forwarded, RFC 5322 3.6.6), the Resent-To, -Cc, -Bcc and -From fields are the
 * ones that count, as in sendmail and Postfix.
 *
 * @param sender     the first mailbox of From (Resent-From), if there is one
 * @param recipients each mailbox once, in the order the fields name them
 * @param invalid    entries of those fields that are not addresses
 */
record HeaderAddresses(Optional<Mailbox> sender, List<Mailbox> recipients, List<String> invalid) {

    /** Fields that never leave with the message: they would tell every recipient who was blind-copied. */
    static final Set<String> BLIND = Set.of("Bcc", "Resent-Bcc");

    HeaderAddresses {
        recipients = List.copyOf(recipients);
        invalid = List.copyOf(invalid);
    }

    static HeaderAddresses of(HeaderSection header) {
        boolean resent = header.has("Resent-To") || header.has("Resent-Cc") || header.has("Resent-Bcc");
        String prefix = resent ? "Resent-" : "";
        Map<String, Mailbox> recipients = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        for (HeaderSection.Field field : header.fields()) {
            String name = field.name();
            if (name.equalsIgnoreCase(prefix + "To") || name.equalsIgnoreCase(prefix + "Cc")
                    || name.equalsIgnoreCase(prefix + "Bcc")) {
                AddressList.Parsed parsed = AddressList.parse(header.value(field));
                for (Mailbox m : parsed.mailboxes()) {
                    recipients.putIfAbsent(key(m), m);
                }
                invalid.addAll(parsed.invalid());
            }
        }
        Optional<Mailbox> sender = Optional.empty();
        for (String from : header.values(prefix + "From")) {
            AddressList.Parsed parsed = AddressList.parse(from);
            if (!parsed.mailboxes().isEmpty()) {
                sender = Optional.of(parsed.mailboxes().getFirst());
                break;
            }
        }
        return new HeaderAddresses(sender, List.copyOf(recipients.values()), invalid);
    }

    /** Two spellings of one mailbox: the domain is case-insensitive, the local part is not (RFC 5321 2.4). */
    static String key(Mailbox m) {
        return m.localPart() + "@" + m.domain().toLowerCase(Locale.ROOT);
    }
}
