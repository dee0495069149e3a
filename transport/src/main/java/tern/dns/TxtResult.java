package tern.dns;

import java.util.List;

/** What a TXT lookup found: each record's strings joined into one text, nothing, or nothing known. */
public sealed interface TxtResult {

    record Texts(List<String> texts) implements TxtResult {
        public Texts {
            texts = List.copyOf(texts);
        }
    }

    /** NXDOMAIN or NOERROR without TXT records. */
    record None() implements TxtResult {
    }

    /** SERVFAIL, timeout, a broken answer. */
    record Failure(String text) implements TxtResult {
    }
}
