package tern.dns;

import java.util.List;

/** The PTR names of an address, or why there are none. */
public sealed interface PtrResult {

    /** The names (no trailing dot); never empty. */
    record Names(List<String> names) implements PtrResult {
        public Names {
            names = List.copyOf(names);
        }
    }

    /** NXDOMAIN or no PTR records: the address has no name. */
    record NoName() implements PtrResult {
    }

    /** Timeout or SERVFAIL: nothing is known. */
    record Failure(String text) implements PtrResult {
    }
}
