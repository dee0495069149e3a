package tern.queue;

import java.util.ArrayList;
import java.util.HashMap;

/**
 * Words that many queued messages share (a sender's domain, a client's address and HELO
 * name, a next hop's host name, a status code), kept once and written into packed forms as
 * their number. Bounded: past its limit a word is written out in full instead, so a flood of
 * one-off names costs a fixed amount here and nothing more.
 */
final class SharedWords {

    private static final int MAX_WORDS = 1 << 16;

    private final HashMap<String, Integer> numbers = new HashMap<>();
    private final ArrayList<String> words = new ArrayList<>();

    /** The word's number, given one now if there is room; -1 when it has none. */
    int numberOf(String word) {
        Integer n = numbers.get(word);
        if (n != null) {
            return n;
        }
        if (words.size() >= MAX_WORDS) {
            return -1;
        }
        numbers.put(word, words.size());
        words.add(word);
        return words.size() - 1;
    }

    String word(int number) {
        return words.get(number);
    }
}
