package tern.smtp;

/**
 * One command line, split into its verb and the rest.
 *
 * @param verb     the verb, or null when the client sent one we do not know
 * @param argument text after the verb and its space; empty when none
 */
public record Command(Verb verb, String argument) {

    /**
     * Splits a command line (without its CRLF). Leading spaces of the argument are
     * dropped; trailing spaces too, as many clients send them.
     */
    public static Command parse(String line) {
        Verb verb = Verb.lookup(line);
        int start = verb == Verb.STARTTLS ? 9 : 5;
        if (verb == null || line.length() <= start) {
            return new Command(verb, "");
        }
        int end = line.length();
        while (start < end && line.charAt(start) == ' ') {
            start++;
        }
        while (end > start && line.charAt(end - 1) == ' ') {
            end--;
        }
        return new Command(verb, line.substring(start, end));
    }
}
