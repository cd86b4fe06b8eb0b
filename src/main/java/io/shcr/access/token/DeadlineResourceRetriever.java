package io.shcr.access.token;

import com.nimbusds.jose.util.BoundedInputStream;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fetches the JWKS document for nimbus's key source, blocking (so it is only ever called on a worker
 * thread), with a real deadline: connect and read timeouts alone are idle timeouts that a server dripping
 * bytes never trips, so a watchdog disconnects the call when the deadline passes. The body is capped, and
 * anything but HTTP 200 is a failure.
 */
final class DeadlineResourceRetriever implements ResourceRetriever {

  private final int deadlineMs;
  private final int maxBytes;
  private final ScheduledExecutorService watchdog;

  DeadlineResourceRetriever(int deadlineMs, int maxBytes, ScheduledExecutorService watchdog) {
    this.deadlineMs = deadlineMs;
    this.maxBytes = maxBytes;
    this.watchdog = watchdog;
  }

  @Override
  public Resource retrieveResource(URL url) throws IOException {
    URLConnection opened = url.openConnection();
    if (!(opened instanceof HttpURLConnection http)) {
      throw new IOException("the JWKS URL is not an HTTP(S) URL");
    }
    http.setConnectTimeout(deadlineMs);
    http.setReadTimeout(deadlineMs);
    http.setUseCaches(false);
    http.setRequestProperty("Accept", "application/jwk-set+json, application/json");
    ScheduledFuture<?> deadline = watchdog.schedule(http::disconnect, deadlineMs, TimeUnit.MILLISECONDS);
    try {
      int status = http.getResponseCode();
      if (status != 200) {
        throw new IOException("the JWKS answered HTTP " + status);
      }
      try (InputStream body = new BoundedInputStream(http.getInputStream(), maxBytes)) {
        return new Resource(new String(body.readAllBytes(), StandardCharsets.UTF_8), http.getContentType());
      }
    } finally {
      deadline.cancel(false);
      http.disconnect();
    }
  }
}
