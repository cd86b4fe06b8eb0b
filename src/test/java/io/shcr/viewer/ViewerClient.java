package io.shcr.viewer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser as far as HTTP goes, for the viewer's HTTP-level tests: its own cookie jar (by name; a cookie
 * with Max-Age=0 is dropped), redirects followed by hand so each hop can be inspected.
 */
final class ViewerClient {

  final Map<String, String> cookies = new LinkedHashMap<>();
  final List<String> setCookies = new java.util.ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(10)).build();

  HttpResponse<String> get(String url, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
  }

  HttpResponse<String> post(String url, String body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  HttpResponse<String> send(HttpRequest.Builder builder, String... headers) {
    builder.timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    if (!cookies.isEmpty()) {
      builder.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
    }
    try {
      HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      for (String set : response.headers().allValues("set-cookie")) {
        setCookies.add(set);
        String pair = set.split(";", 2)[0];
        String name = pair.substring(0, pair.indexOf('='));
        String value = pair.substring(pair.indexOf('=') + 1);
        if (set.toLowerCase().contains("max-age=0") || value.isEmpty()) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      return response;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String location(HttpResponse<String> response) {
    return response.headers().firstValue("location").orElseThrow(() -> new AssertionError("no Location in " + response.statusCode()));
  }

  /** The Set-Cookie line last sent for a cookie. */
  String setCookie(String name) {
    for (int i = setCookies.size() - 1; i >= 0; i--) {
      if (setCookies.get(i).startsWith(name + "=")) {
        return setCookies.get(i);
      }
    }
    return null;
  }

  /** Starts a sign-in at the viewer; the answer is the identity provider's authorize URL it redirected to. */
  String startSignIn(String base, String query) {
    HttpResponse<String> login = get(base + "/viewer/auth/login" + (query == null ? "" : "?" + query));
    if (login.statusCode() != 303) {
      throw new AssertionError("login answered " + login.statusCode());
    }
    return location(login);
  }

  /** Signs in as a persona (login hint) all the way; the answer is where the callback sent the browser. */
  String signIn(String base, String persona, String patient) {
    String authorize = startSignIn(base, "persona=" + persona + (patient == null ? "" : "&patient=" + patient));
    HttpResponse<String> idp = get(authorize);
    if (idp.statusCode() != 303) {
      throw new AssertionError("identity provider answered " + idp.statusCode() + ": " + idp.body());
    }
    HttpResponse<String> callback = get(location(idp));
    return location(callback);
  }
}
