package tern.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of an admin action or console page: an HTTP status, a body and any headers of its
 * own (a cookie, a redirect's Location). Actions return these instead of touching Netty, so
 * they can be tested as plain functions.
 */
public record AdminResponse(int status, String contentType, String body, Map<String, String> headers) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";

    public AdminResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public AdminResponse(int status, String contentType, String body) {
        this(status, contentType, body, Map.of());
    }

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

    public static AdminResponse html(int status, String body) {
        return new AdminResponse(status, HTML, body);
    }

    /** 303 See Other: after a form post, the browser GETs {@code location} (no re-post on reload). */
    public static AdminResponse seeOther(String location) {
        return new AdminResponse(303, TEXT, "see " + location, Map.of("Location", location));
    }

    /** This answer with one more header. */
    public AdminResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new AdminResponse(status, contentType, body, more);
    }
}
