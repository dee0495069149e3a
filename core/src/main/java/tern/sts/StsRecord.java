package tern.sts;

import java.util.List;
import java.util.Optional;

/**
 * The {@code _mta-sts.<domain>} TXT record (RFC 8461 3.1): {@code v=STSv1; id=20160831085700Z;}.
 * It says a policy exists and names its version: a new {@code id} means the cached policy
 * is stale.
 *
 * @param id 1 to 32 letters and digits
 */
public record StsRecord(String id) {

    /**
     * The one STS record among a name's TXT records (each given as its strings joined), or
     * empty: RFC 8461 3.1 discards records that do not begin with {@code v=STSv1;}, and
     * unless exactly one remains and it is well formed, the domain has no policy.
     */
    public static Optional<StsRecord> of(List<String> txtRecords) {
        List<String> sts = txtRecords.stream().filter(t -> t.startsWith("v=STSv1;") || t.equals("v=STSv1")).toList();
        if (sts.size() != 1) {
            return Optional.empty();
        }
        String id = null;
        for (String field : sts.getFirst().split(";", -1)) {
            String f = field.strip();
            if (f.isEmpty()) {
                continue;
            }
            int eq = f.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            String key = f.substring(0, eq).strip();
            String value = f.substring(eq + 1).strip();
            if (key.equals("id") && id == null) {
                if (!value.matches("[A-Za-z0-9]{1,32}")) {
                    return Optional.empty();
                }
                id = value;
            }
        }
        return id == null ? Optional.empty() : Optional.of(new StsRecord(id));
    }
}
