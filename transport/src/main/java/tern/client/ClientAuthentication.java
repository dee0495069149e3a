package tern.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tern.config.TernConfig;
import tern.smtp.Reply;

/**
 * The client's side of SMTP AUTH (RFC 4954): PLAIN in one command (RFC 4616) when offered,
 * else LOGIN's two challenges. The connection has already decided the channel is safe for
 * the credentials; it decides what the final reply means.
 */
final class ClientAuthentication {
    private ClientAuthentication() {
    }

    /** The peer's last reply to the exchange, or null when it offers no mechanism we speak. */
    static Reply exchange(SmtpConnection connection, EhloExtensions extensions, TernConfig.SmartHostAuth auth)
            throws IOException {
        if (extensions.authMechanisms().contains("PLAIN")) {
            String token = base64("\0" + auth.username() + "\0" + auth.password());
            return connection.command("AUTH PLAIN " + token, SmtpException.Stage.AUTH);
        }
        if (!extensions.authMechanisms().contains("LOGIN")) {
            return null;
        }
        Reply reply = connection.command("AUTH LOGIN", SmtpException.Stage.AUTH);
        if (reply.code() == 334) {
            reply = connection.command(base64(auth.username()), SmtpException.Stage.AUTH);
        }
        if (reply.code() == 334) {
            reply = connection.command(base64(auth.password()), SmtpException.Stage.AUTH);
        }
        return reply;
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
