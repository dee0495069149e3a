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

    /**
     * @param code      the reply code Tern reports for it: 4xx when retrying may help, else 5xx
     * @param status    RFC 3463 enhanced status code, e.g. 5.1.2
     * @param text      for logs and the NDR's Diagnostic-Code
     */
    record Failure(int code, String status, String text) implements MxResult {

        static Failure of(Reply reply, String text) {
            return new Failure(reply.code(), reply.status(), text);
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
