package tern.submission;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tern.envelope.Notify;
import tern.envelope.Ret;

/**
 * The command line of {@code sendmail} as applications and cron call it, in sendmail's own
 * grammar: single-letter options, values attached or separate ({@code -fSENDER},
 * {@code -f SENDER}), recipients as the other arguments. Options that only tune how
 * sendmail itself queued or reported ({@code -oem}, {@code -odb}, {@code -v}, {@code -B8BITMIME},
 * ...) are accepted and ignored, as Postfix does: a program written for sendmail must not
 * fail for them. Modes Tern has no equivalent for ({@code -bp}, {@code -q}, ...) are errors.
 *
 * @param extractRecipients {@code -t}: recipients from To, Cc and Bcc as well
 * @param ignoreDots        {@code -i}/{@code -oi}: a line with a single dot does not end the message
 * @param sender            {@code -f}/{@code -r}: the envelope sender; {@code ""} for the null sender
 * @param fullName          {@code -F}: the name in a From field added when the message has none
 * @param smtpOnStdio       {@code -bs}: SMTP on standard input and output
 * @param notifyOn          {@code -N}: DSN NOTIFY for every recipient; empty = the server's default
 * @param ret               {@code -R}: DSN RET, or null
 * @param config            Tern's own {@code --config FILE}
 * @param recipients        the arguments, as written
 */
public record SendmailOptions(boolean extractRecipients, boolean ignoreDots, Optional<String> sender,
                              Optional<String> fullName, boolean smtpOnStdio, Set<Notify> notifyOn, Ret ret,
                              Optional<String> config, List<String> recipients) {

    public SendmailOptions {
        notifyOn = Set.copyOf(notifyOn);
        recipients = List.copyOf(recipients);
    }

    /** A command line that does not fit, with the reason. */
    public static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    public static SendmailOptions parse(List<String> args) {
        boolean t = false;
        boolean i = false;
        boolean bs = false;
        String sender = null;
        String fullName = null;
        Set<Notify> notify = EnumSet.noneOf(Notify.class);
        Ret ret = null;
        String config = null;
        List<String> recipients = new ArrayList<>();
        boolean optionsEnded = false;
        for (int k = 0; k < args.size(); k++) {
            String arg = args.get(k);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                recipients.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (arg.equals("--config") || arg.startsWith("--config=")) {
                config = arg.equals("--config") ? value(args, ++k, arg) : arg.substring("--config=".length());
                continue;
            }
            char letter = arg.length() > 1 ? arg.charAt(1) : '?';
            String attached = arg.substring(2);
            switch (letter) {
                case 't' -> t = flag(arg, attached, t);
                case 'i' -> i = flag(arg, attached, i);
                case 'f', 'r' -> {
                    String v = attached.isEmpty() ? value(args, ++k, arg) : attached;
                    sender = v.equals("<>") ? "" : v;
                }
                case 'F' -> fullName = attached.isEmpty() ? value(args, ++k, arg) : attached;
                case 'b' -> {
                    switch (attached) {
                        case "s" -> bs = true;
                        case "m" -> { } // deliver mail: the default
                        default -> throw new UsageError("mode " + arg + " is not supported (only -bm and -bs)");
                    }
                }
                case 'o' -> {
                    if (attached.equals("i")) {
                        i = true;
                    } else if (attached.isEmpty()) {
                        value(args, ++k, arg); // "-o X": an option for sendmail's own config file
                    }
                    // -oem, -oee, -odb, -odi, ...: error and delivery modes of sendmail itself
                }
                case 'B' -> {
                    if (attached.isEmpty()) {
                        value(args, ++k, arg); // the body type: Tern reads it from the bytes
                    }
                }
                case 'N' -> notify = notify(attached.isEmpty() ? value(args, ++k, arg) : attached);
                case 'R' -> ret = ret(attached.isEmpty() ? value(args, ++k, arg) : attached);
                case 'v', 'm', 'n', 'U', 'e' -> { } // verbose, metoo, no aliasing, initial submission, ...
                case 'L' -> {
                    if (attached.isEmpty()) {
                        value(args, ++k, arg); // syslog label
                    }
                }
                default -> throw new UsageError("unknown option " + arg);
            }
        }
        return new SendmailOptions(t, i, Optional.ofNullable(sender), Optional.ofNullable(fullName), bs, notify, ret,
                Optional.ofNullable(config), recipients);
    }

    private static boolean flag(String arg, String attached, boolean current) {
        if (!attached.isEmpty()) {
            throw new UsageError("unknown option " + arg);
        }
        return true;
    }

    private static String value(List<String> args, int k, String option) {
        if (k >= args.size()) {
            throw new UsageError(option + " needs a value");
        }
        return args.get(k);
    }

    private static Set<Notify> notify(String value) {
        Set<Notify> set = EnumSet.noneOf(Notify.class);
        for (String word : value.toUpperCase(Locale.ROOT).split(",")) {
            try {
                set.add(Notify.valueOf(word.strip()));
            } catch (IllegalArgumentException e) {
                throw new UsageError("-N takes never or success,failure,delay, not " + value);
            }
        }
        if (set.contains(Notify.NEVER) && set.size() > 1) {
            throw new UsageError("-N never goes alone");
        }
        return set;
    }

    private static Ret ret(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "full" -> Ret.FULL;
            case "hdrs" -> Ret.HDRS;
            default -> throw new UsageError("-R takes full or hdrs, not " + value);
        };
    }
}
