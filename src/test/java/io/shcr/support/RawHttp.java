package io.shcr.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately naive HTTP/1.1 client over a plain socket, for requests a real client would refuse to
 * send or would clean up: the bytes go out exactly as given, and one response is read back (framed
 * by Content-Length, chunked encoding, or the connection closing). Blocking: test threads only.
 */
public final class RawHttp {

  private RawHttp() {}

  /** One response as received; {@code status} is -1 when the connection ended without one. */
  public record Response(int status, String statusLine, Map<String, List<String>> headers, byte[] body, String problem) {

    /** The first value of a header (names compared case-insensitively), or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public static Response exchange(int port, byte[] request, int timeoutMs, boolean head) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      while (true) {
        Response response = read(in, head);
        // An interim 100 Continue is followed by the real answer.
        if (response.status() != 100) {
          return response;
        }
      }
    } catch (SocketTimeoutException e) {
      return new Response(-1, null, Map.of(), new byte[0], "no response within " + timeoutMs + " ms");
    } catch (IOException e) {
      return new Response(-1, null, Map.of(), new byte[0], "connection failed: " + e.getClass().getSimpleName() + " " + e.getMessage());
    }
  }

  private static Response read(InputStream in, boolean head) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      return new Response(-1, null, Map.of(), new byte[0], "connection closed without a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (RuntimeException e) {
      return new Response(-1, statusLine, Map.of(), new byte[0], "not an HTTP status line: " + statusLine);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String header;
    while ((header = line(in)) != null && !header.isEmpty()) {
      int colon = header.indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(header.substring(colon + 1).trim());
      }
    }
    // 101: the connection now speaks another protocol; what follows is not an HTTP/1 body.
    if (head || status == 100 || status == 101 || status == 204 || status == 304) {
      return new Response(status, statusLine, headers, new byte[0], null);
    }
    List<String> length = headers.get("content-length");
    List<String> encoding = headers.get("transfer-encoding");
    byte[] body;
    if (encoding != null && encoding.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
      body = chunked(in);
    } else if (length != null) {
      body = in.readNBytes(Integer.parseInt(length.get(0)));
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, statusLine, headers, body, null);
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      if (size == null) {
        return out.toByteArray();
      }
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) {
        String trailer;
        while ((trailer = line(in)) != null && !trailer.isEmpty()) {
          // trailers ignored
        }
        return out.toByteArray();
      }
      out.write(in.readNBytes(n));
      line(in);
    }
  }

  /** One CRLF- (or LF-) terminated line as ISO-8859-1, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
