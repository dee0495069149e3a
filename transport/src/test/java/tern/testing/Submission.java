package tern.testing;

import java.net.InetSocketAddress;
import java.util.List;
import tern.queue.QueueId;

/** One message handed to an SMTP server over a raw socket, as a client would, parameters and all. */
public final class Submission {
    private Submission() {
    }

    /**
     * EHLO, MAIL FROM:{@code mail}, RCPT TO:{@code rcpt} for each, DATA, the message (CRLF
     * line ends, no line starting with a dot), QUIT. Returns the id from "queued as ID".
     */
    public static QueueId send(InetSocketAddress server, String mail, List<String> rcpts, String message) {
        try (SmtpTestClient c = SmtpTestClient.connect(server)) {
            c.expect(220);
            c.expect("EHLO client.tern.test", 250);
            c.expect("MAIL FROM:" + mail, 250);
            for (String rcpt : rcpts) {
                c.expect("RCPT TO:" + rcpt, 250);
            }
            c.expect("DATA", 354);
            c.send(message.endsWith("\r\n") ? message : message + "\r\n");
            String text = c.expect(".", 250).text();
            c.expect("QUIT", 221);
            int at = text.indexOf("queued as ");
            return new QueueId(text.substring(at + 10).strip());
        }
    }
}
