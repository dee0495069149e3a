package tern.delivery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import tern.dsn.StatusCode;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.route.Destination;
import tern.smtp.Reply;

/** The outcome of a delivery deferred without connecting, because its destination is down. */
final class Down {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Down() {
    }

    static Outcome outcome(Destination destination, Instant until, Outcome lastFailure) {
        StatusCode status = lastFailure != null && lastFailure.status().statusClass() == 4
                ? lastFailure.status() : new StatusCode(4, 4, 1);
        return new LocalDecision(LocalDecision.Reason.DESTINATION_DOWN, new Reply(451, status.toString(),
                "destination " + destination + " is not answering; not tried again before " + TIME.format(until)),
                null, lastFailure);
    }
}
