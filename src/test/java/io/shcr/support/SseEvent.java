package io.shcr.support;

import io.vertx.core.json.JsonObject;

/** One parsed Server-Sent Event as a client receives it. */
public record SseEvent(String id, String event, JsonObject data) {}
