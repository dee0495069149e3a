package tern.server;

/** The argument of BDAT (RFC 3030): the chunk's size in octets, and whether it is the last. */
record BdatCommand(long size, boolean last) {

    /** "size" or "size LAST"; null when malformed. */
    static BdatCommand parse(String arg) {
        int space = arg.indexOf(' ');
        String digits = space < 0 ? arg : arg.substring(0, space);
        if (space >= 0 && !arg.substring(space + 1).trim().equalsIgnoreCase("LAST")) {
            return null;
        }
        if (digits.isEmpty() || digits.length() > 18) {
            return null;
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            n = n * 10 + (c - '0');
        }
        return new BdatCommand(n, space >= 0);
    }
}
