package tern.smtp;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import tern.address.AddressParser;
import tern.address.InvalidAddressException;
import tern.address.Mailbox;
import tern.envelope.Notify;
import tern.envelope.Recipient;

/**
 * The argument of RCPT: {@code TO:<forward-path> [SP params]}, with RFC 3461's NOTIFY and
 * ORCPT.
 */
public final class RcptTo {
    private RcptTo() {
    }

    /**
     * @param smtpUtf8         whether MAIL FROM declared SMTPUTF8
     * @param postmasterDomain the domain {@code <postmaster>} (no domain, RFC 5321 4.1.1.3) stands for
     */
    public static Recipient parse(String argument, boolean smtpUtf8, String postmasterDomain) throws SmtpRejection {
        if (!argument.regionMatches(true, 0, "TO:", 0, 3)) {
            throw new SmtpRejection(Replies.SYNTAX_ERROR.withText("Syntax: RCPT TO:<address>"));
        }
        int i = Parameters.skipSpaces(argument, 3);
        Mailbox mailbox;
        int end;
        if (argument.regionMatches(true, i, "<postmaster>", 0, 12)) {
            mailbox = new Mailbox("postmaster", postmasterDomain);
            end = i + 12;
        } else {
            try {
                AddressParser.ParsedPath path = AddressParser.parsePath(argument, i, false, smtpUtf8);
                mailbox = path.mailbox();
                end = path.end();
            } catch (InvalidAddressException e) {
                throw new SmtpRejection(e.needsSmtpUtf8() ? Replies.UTF8_REQUIRED
                        : Replies.BAD_ADDRESS_SYNTAX.withText("Bad recipient address syntax: " + e.getMessage()));
            }
        }
        Set<Notify> notify = null;
        String orcpt = null;
        Parameters params = new Parameters(argument, end);
        while (params.next()) {
            String value = params.value();
            switch (params.keyword()) {
                case "NOTIFY" -> {
                    Parameters.once(notify != null);
                    notify = notify(Parameters.required(value));
                }
                case "ORCPT" -> {
                    Parameters.once(orcpt != null);
                    orcpt = orcpt(Parameters.required(value));
                }
                default -> throw new SmtpRejection(Replies.PARAMETER_NOT_IMPLEMENTED);
            }
        }
        return new Recipient(mailbox, notify == null ? Set.of() : notify, orcpt);
    }

    // NOTIFY="NEVER" / 1#( "SUCCESS" / "FAILURE" / "DELAY" ): NEVER stands alone (RFC 3461 4.1).
    private static Set<Notify> notify(String value) throws SmtpRejection {
        EnumSet<Notify> set = EnumSet.noneOf(Notify.class);
        for (String part : value.split(",", -1)) {
            Notify n;
            try {
                n = Notify.valueOf(part.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw Parameters.bad("NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
            }
            if (!set.add(n)) {
                throw Parameters.bad("NOTIFY lists a value twice");
            }
        }
        if (set.contains(Notify.NEVER) && set.size() > 1) {
            throw Parameters.bad("NOTIFY=NEVER cannot be combined with other values");
        }
        return set;
    }

    // ORCPT=addr-type ";" xtext. Kept as given (still xtext): it is passed on like that when
    // relaying, and decoded only when a DSN is written.
    private static String orcpt(String value) throws SmtpRejection {
        int semi = value.indexOf(';');
        if (semi <= 0 || semi == value.length() - 1 || value.length() > 500) {
            throw Parameters.bad("ORCPT must be addr-type;xtext");
        }
        for (int i = 0; i < semi; i++) {
            if (!Parameters.isKeywordChar(value.charAt(i))) {
                throw Parameters.bad("ORCPT addr-type must be an atom");
            }
        }
        if (Xtext.decode(value.substring(semi + 1)) == null) {
            throw Parameters.bad("ORCPT address must be xtext");
        }
        return value;
    }
}
