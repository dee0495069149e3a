package tern.smtp;

import java.util.Locale;
import tern.address.AddressParser;
import tern.address.InvalidAddressException;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Ret;

/**
 * The argument of MAIL: {@code FROM:<reverse-path> [SP params]}, with the parameters of
 * RFC 1870 (SIZE), RFC 6152/3030 (BODY), RFC 6531 (SMTPUTF8) and RFC 3461 (RET, ENVID).
 *
 * @param reversePath  the sender, possibly the null path
 * @param declaredSize SIZE=, or -1
 * @param body         BODY=, 7BIT when not given
 * @param smtpUtf8     SMTPUTF8 given
 * @param ret          RET=, or null
 * @param envId        ENVID= decoded from xtext, or null
 */
public record MailFrom(ReversePath reversePath, long declaredSize, Body body, boolean smtpUtf8, Ret ret,
                       String envId) {

    /** RFC 3461 4.4: ENVID is at most 100 characters. */
    private static final int MAX_ENVID = 100;

    public static MailFrom parse(String argument) throws SmtpRejection {
        if (!argument.regionMatches(true, 0, "FROM:", 0, 5)) {
            throw new SmtpRejection(Replies.SYNTAX_ERROR.withText("Syntax: MAIL FROM:<address>"));
        }
        int i = Parameters.skipSpaces(argument, 5); // "FROM: <a@b>" is common enough to tolerate
        AddressParser.ParsedPath path;
        try {
            // UTF-8 allowed here; whether SMTPUTF8 was declared is only known after the parameters.
            path = AddressParser.parsePath(argument, i, true, true);
        } catch (InvalidAddressException e) {
            throw new SmtpRejection(Replies.BAD_SENDER_SYNTAX.withText("Bad sender address syntax: " + e.getMessage()));
        }
        long size = -1;
        Body body = null;
        boolean smtpUtf8 = false;
        Ret ret = null;
        String envId = null;
        boolean sawAuth = false;
        Parameters params = new Parameters(argument, path.end());
        while (params.next()) {
            String value = params.value();
            switch (params.keyword()) {
                case "SIZE" -> {
                    Parameters.once(size >= 0);
                    size = Parameters.number(value);
                }
                case "BODY" -> {
                    Parameters.once(body != null);
                    body = switch (Parameters.required(value).toUpperCase(Locale.ROOT)) {
                        case "7BIT" -> Body.SEVEN_BIT;
                        case "8BITMIME" -> Body.EIGHT_BIT_MIME;
                        case "BINARYMIME" -> Body.BINARY_MIME;
                        default -> throw Parameters.bad("BODY must be 7BIT, 8BITMIME or BINARYMIME");
                    };
                }
                case "SMTPUTF8" -> {
                    Parameters.once(smtpUtf8);
                    if (value != null) {
                        throw Parameters.bad("SMTPUTF8 takes no value");
                    }
                    smtpUtf8 = true;
                }
                case "RET" -> {
                    Parameters.once(ret != null);
                    ret = switch (Parameters.required(value).toUpperCase(Locale.ROOT)) {
                        case "FULL" -> Ret.FULL;
                        case "HDRS" -> Ret.HDRS;
                        default -> throw Parameters.bad("RET must be FULL or HDRS");
                    };
                }
                case "ENVID" -> {
                    Parameters.once(envId != null);
                    String decoded = Xtext.decode(Parameters.required(value));
                    if (decoded == null || value.length() > MAX_ENVID) {
                        throw Parameters.bad("ENVID must be xtext of at most 100 characters");
                    }
                    envId = decoded;
                }
                case "AUTH" -> {
                    // RFC 4954 5: the submitter's identity as another server vouches for it. We
                    // trust no such claim, so it is checked for syntax and otherwise ignored.
                    Parameters.once(sawAuth);
                    if (Xtext.decode(Parameters.required(value)) == null) {
                        throw Parameters.bad("AUTH= must be xtext or <>");
                    }
                    sawAuth = true;
                }
                default -> throw new SmtpRejection(Replies.PARAMETER_NOT_IMPLEMENTED);
            }
        }
        if (path.mailbox() != null && path.mailbox().isInternationalized() && !smtpUtf8) {
            throw new SmtpRejection(Replies.UTF8_REQUIRED);
        }
        ReversePath reversePath = path.mailbox() == null ? ReversePath.NULL : ReversePath.of(path.mailbox());
        return new MailFrom(reversePath, size, body == null ? Body.SEVEN_BIT : body, smtpUtf8, ret, envId);
    }
}
