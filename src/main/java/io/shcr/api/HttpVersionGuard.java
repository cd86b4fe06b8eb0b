package io.shcr.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes HTTP-version refusals part of the error contract. Vert.x answers a request line whose version
 * is neither HTTP/1.0 nor HTTP/1.1 with a bare 501 of its own, before the router or the invalid-request
 * handler could answer. This handler sits just before Vert.x's own on each HTTP/1 connection and, per
 * RFC 9112 section 2.3, serves a higher HTTP/1 minor version (or an unusually spelled one) as HTTP/1.1;
 * any other version (HTTP/2.0 in an HTTP/1 request line, h2c prior knowledge when h2c is off,
 * HTTP/3, ...) is marked as a decoding failure, so {@link InvalidRequests} refuses it in the error
 * contract (400 UNSUPPORTED_HTTP_VERSION: a client's mistake, not a server error).
 *
 * <p>It reaches the connection's Netty pipeline through Vert.x's internal connection type; if that is
 * not available (another Vert.x version), the guard is not installed and Vert.x's own 501 stands.
 */
final class HttpVersionGuard extends ChannelInboundHandlerAdapter {

  static final String NAME = "shcrHttpVersionGuard";
  /** Vert.x's own connection handler, the last of the pipeline: the guard sits just before it. */
  private static final String VERTX_HANDLER = "handler";
  private static final Logger LOG = LoggerFactory.getLogger(HttpVersionGuard.class);
  private static volatile boolean warned;

  /** Marks a request whose HTTP version is not served. */
  static final class UnsupportedVersion extends RuntimeException {
    UnsupportedVersion() {
      super("unsupported HTTP version", null, false, false);
    }
  }

  /** The server's connection handler: adds the guard to an HTTP/1 connection's pipeline. */
  static void install(HttpConnection connection) {
    try {
      if (connection instanceof io.vertx.core.http.impl.HttpServerConnection internal) {
        ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
        // Before Vert.x's handler rather than after the decoder: with h2c on, the decoder is only added
        // once the first bytes show the connection is not HTTP/2 prior knowledge.
        if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(NAME) == null) {
          pipeline.addBefore(VERTX_HANDLER, NAME, new HttpVersionGuard());
        }
      }
    } catch (RuntimeException | LinkageError e) {
      if (!warned) {
        warned = true;
        LOG.warn("HTTP version guard not installed ({}): unsupported versions get Vert.x's own 501", e.getClass().getSimpleName());
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
      HttpVersion version = request.protocolVersion();
      if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
        if ("HTTP".equals(version.protocolName()) && version.majorVersion() == 1) {
          request.setProtocolVersion(version.minorVersion() == 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
        } else {
          request.setProtocolVersion(HttpVersion.HTTP_1_1);
          request.setDecoderResult(DecoderResult.failure(new UnsupportedVersion()));
        }
      }
    }
    ctx.fireChannelRead(msg);
  }
}
