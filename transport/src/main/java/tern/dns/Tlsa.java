package tern.dns;

import java.util.HexFormat;

/**
 * One TLSA record (RFC 6698 2.1): which certificate or key a TLS server must present.
 *
 * @param usage    0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector 0 the whole certificate, 1 its SubjectPublicKeyInfo
 * @param matching 0 the data itself, 1 its SHA-256, 2 its SHA-512
 * @param data     the certificate association data, lower-case hex (a string so that equal
 *                 records are equal)
 */
public record Tlsa(int usage, int selector, int matching, String data) {
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;

    public Tlsa(int usage, int selector, int matching, byte[] data) {
        this(usage, selector, matching, HexFormat.of().formatHex(data));
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(data);
    }

    /**
     * Whether SMTP may use it (RFC 7672 3.1): DANE-TA or DANE-EE, a known selector and
     * matching type. PKIX-TA and PKIX-EE need a CA list nobody agreed on for SMTP.
     */
    public boolean usable() {
        return (usage == DANE_TA || usage == DANE_EE) && (selector == 0 || selector == 1)
                && (matching == 0 || matching == 1 || matching == 2);
    }
}
