package tern.envelope;

/** The BODY= parameter of MAIL FROM (RFC 6152, RFC 3030). */
public enum Body {
    SEVEN_BIT("7BIT"), EIGHT_BIT_MIME("8BITMIME"), BINARY_MIME("BINARYMIME");

    private final String keyword;

    Body(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
