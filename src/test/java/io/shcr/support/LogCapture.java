package io.shcr.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Collects every log event written while it is attached to the root logger (tests only). */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  public final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  public static LogCapture attach() {
    LogCapture capture = new LogCapture();
    capture.setName("test-capture");
    capture.start();
    root().addAppender(capture);
    return capture;
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }

  public List<ILoggingEvent> atLeast(Level level) {
    return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(level)).toList();
  }

  public List<ILoggingEvent> withStackTraces() {
    return events.stream().filter(e -> e.getThrowableProxy() != null).toList();
  }

  @Override
  public void close() {
    root().detachAppender(this);
    stop();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
