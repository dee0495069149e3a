package tern.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tern.admin.AdminToken;
import tern.config.TernConfig;

/**
 * How the command line reaches a running server: POSTs to its admin listener, with the
 * token from {@code <dataDir>/admin.token} as {@code Authorization: Bearer}.
 */
final class AdminClient {

    /** The server's answer: HTTP status and body. */
    record Answer(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final String listen;
    private final Path tokenFile;

    AdminClient(String listen, Path tokenFile) {
        this.listen = listen;
        this.tokenFile = tokenFile;
    }

    /** The admin listener and token of the server that runs with {@code config}. */
    static AdminClient of(TernConfig config) {
        return new AdminClient(config.admin().listen(), AdminToken.file(config.server().dataDir()));
    }

    /**
     * Empty when no server listens there (it is stopped): the caller then works on the journal.
     * A 401 comes back as an answer whose body says which token file could not be used.
     */
    Optional<Answer> post(String path, Map<String, String> params) throws IOException {
        return send("POST", path, params, Duration.ofSeconds(60));
    }

    /** As {@link #post(String, Map)}, waiting up to {@code timeout} for the answer (null: as long as it takes). */
    Optional<Answer> post(String path, Map<String, String> params, Duration timeout) throws IOException {
        return send("POST", path, params, timeout);
    }

    /** A GET (reading needs no token, but it is sent all the same); empty when no server listens. */
    Optional<Answer> get(String path, Map<String, String> params) throws IOException {
        return send("GET", path, params, Duration.ofSeconds(60));
    }

    /** A read ({@code GET path}); empty when no server listens there. */
    Optional<Answer> get(String path) throws IOException {
        return get(path, Map.of());
    }

    private Optional<Answer> send(String method, String path, Map<String, String> params, Duration timeout)
            throws IOException {
        if (listen == null || listen.isBlank()) {
            return Optional.empty();
        }
        String query = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(URI.create("http://" + listen + path + (query.isEmpty() ? "" : "?" + query)))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (timeout != null) {
            request.timeout(timeout);
        }
        String tokenProblem = null;
        try {
            Optional<String> token = AdminToken.read(tokenFile);
            if (token.isPresent()) {
                request.header("Authorization", "Bearer " + token.get());
            } else {
                tokenProblem = tokenFile + " is empty";
            }
        } catch (NoSuchFileException e) {
            tokenProblem = tokenFile + " does not exist (the server creates it at its first start)";
        } catch (AccessDeniedException e) {
            tokenProblem = tokenFile + " is not readable by this user (run as the server's user or root)";
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                return Optional.of(new Answer(401, "the server refused the admin token: "
                        + (tokenProblem != null ? tokenProblem : tokenFile + " holds another token than the server's")));
            }
            return Optional.of(new Answer(response.statusCode(), response.body()));
        } catch (ConnectException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
