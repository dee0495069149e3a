package tern.dns;

import java.util.List;
import tern.smtp.Reply;

/** What an MX lookup tells a delivery attempt: where to connect, or why not. */
public sealed interface MxResult {

    /**
     * The hosts to try in order: by preference, equal preferences shuffled (RFC 5321 5.1).
     * A domain without MX records yields its own name with preference 0 (the implicit MX).
     */
    record Hosts(List<MxHost> hosts) implements MxResult {
        public Hosts {
            hosts = List.copyOf(hosts);
        }
    }

    /** Why there is nowhere to connect. */
    enum Cause {
        /** NXDOMAIN, or a name that cannot be a domain: the domain does not exist in this DNS view. */
        NO_SUCH_DOMAIN,
        /** RFC 7505 null MX: the domain says it takes no mail at all. */
        NULL_MX,
        /** A host exists but has no A or AAAA record. */
        NO_ADDRESS,
        /** SERVFAIL, a timeout: nothing is known yet. */
        TEMPORARY
    }

    /**
     * @param cause     what the DNS said
     * @param code      the reply code Tern reports for it: 4xx when retrying may help, else 5xx
     * @param status    RFC 3463 enhanced status code, e.g. 5.1.2
     * @param text      for logs and the NDR's Diagnostic-Code
     */
    record Failure(Cause cause, int code, String status, String text) implements MxResult {

        static Failure of(Cause cause, Reply reply, String text) {
            return new Failure(cause, reply.code(), reply.status(), text);
        }

        /** True when retrying cannot help (NXDOMAIN, null MX). */
        public boolean permanent() {
            return code >= 500;
        }

        /** The failure as an SMTP reply (e.g. 556 5.1.10 for a null MX, RFC 7505), for DSNs and the journal. */
        public Reply reply() {
            return new Reply(code, status, text);
        }
    }
}
