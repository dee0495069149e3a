package tern.admin;

import java.util.Locale;
import java.util.Map;

/**
 * A request for a console page as the admin listener hands it on: no Netty types, so pages
 * are plain functions a test can call.
 *
 * @param method  GET, HEAD or POST
 * @param path    the decoded path, e.g. {@code /message/0ABC}
 * @param query   the query parameters (first value of each)
 * @param form    the fields of an {@code application/x-www-form-urlencoded} body (POST), else empty
 * @param headers the request headers the console reads, names in lower case
 */
public record AdminRequest(String method, String path, Map<String, String> query, Map<String, String> form,
                           Map<String, String> headers) {

    public AdminRequest {
        query = Map.copyOf(query);
        form = Map.copyOf(form);
        headers = Map.copyOf(headers);
    }

    public boolean isPost() {
        return method.equals("POST");
    }

    /** A header by name, any case; null when absent. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** A query parameter, or "" when absent. */
    public String param(String name) {
        return query.getOrDefault(name, "");
    }

    /** A form field, or "" when absent. */
    public String field(String name) {
        return form.getOrDefault(name, "");
    }
}
