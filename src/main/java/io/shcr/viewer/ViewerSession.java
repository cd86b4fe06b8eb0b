package io.shcr.viewer;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One signed-in browser: the ID token the record API is called with (it never leaves the server), the
 * CSRF token the page sends back on every change, who the user is and in which role, and when it ends.
 *
 * @param id the map key (the hash of the cookie's secret)
 * @param state everything kept about the session
 */
record ViewerSession(String id, JsonObject state) {

  String idToken() {
    return state.getString("idToken");
  }

  String csrfToken() {
    return state.getString("csrf");
  }

  /** When the ID token expires: the session cannot outlive it. */
  long expiresAtMs() {
    return state.getLong("expiresAt");
  }

  String userId() {
    return state.getString("user");
  }

  /** What the page may know: who, which role, which other roles, the CSRF token. Never the token. */
  JsonObject describe() {
    return new JsonObject()
        .put("user", new JsonObject().put("id", state.getString("user")).put("name", state.getString("name")))
        .put("role", state.getJsonObject("role"))
        .put("roles", state.getJsonArray("roles", new JsonArray()))
        .put("csrfToken", csrfToken())
        .put("expiresAt", java.time.Instant.ofEpochMilli(expiresAtMs()).toString());
  }
}
