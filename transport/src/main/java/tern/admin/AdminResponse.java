package tern.admin;

import java.util.Map;

/**
 * The answer of an admin action: an HTTP status and a body. Actions return these instead of
 * touching Netty, so they can be tested as plain functions.
 */
public record AdminResponse(int status, String contentType, String body) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    /** 200 with a JSON object, e.g. {@code {"retried":"1A2B3C"}}. */
    public static AdminResponse ok(Map<String, ?> fields) {
        return json(200, fields);
    }

    /** 400: the request names something wrong, e.g. no {@code id} parameter. */
    public static AdminResponse badRequest(String why) {
        return json(400, Map.of("error", why));
    }

    /** 404: e.g. no message with that queue id. */
    public static AdminResponse notFound(String what) {
        return json(404, Map.of("error", what));
    }

    public static AdminResponse json(int status, Map<String, ?> fields) {
        return new AdminResponse(status, JSON, Json.object(fields));
    }

    public static AdminResponse text(int status, String body) {
        return new AdminResponse(status, TEXT, body);
    }
}
