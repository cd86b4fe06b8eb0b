package io.shcr.audit;

import io.shcr.audit.AuditStore.LineVisitor;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded trail's files on disk: their names and order, reading their complete lines, and the
 * crash recovery of a torn last line. Blocking; called only from worker threads or the CLI.
 */
final class AuditLogFiles {

  private static final Pattern NAME = Pattern.compile("audit-(\\d{8})\\.log");

  private AuditLogFiles() {}

  static String name(int index) {
    return String.format("audit-%08d.log", index);
  }

  static int index(Path file) {
    Matcher matcher = NAME.matcher(file.getFileName().toString());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not an audit file: " + file);
    }
    return Integer.parseInt(matcher.group(1));
  }

  /** The trail's files in chain order. */
  static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> NAME.matcher(file.getFileName().toString()).matches()).sorted().toList();
    }
  }

  /** Feeds every complete line of every file, in order; an unterminated last line is not a record. */
  static void scan(Path dir, LineVisitor visitor) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no audit trail directory");
    }
    for (Path file : list(dir)) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        long lineNumber = 0;
        int b;
        while ((b = in.read()) != -1) {
          if (b != '\n') {
            line.write(b);
            continue;
          }
          lineNumber++;
          if (!visitor.accept(file.getFileName() + ":" + lineNumber, line.toString(StandardCharsets.UTF_8))) {
            return;
          }
          line.reset();
        }
      }
    }
  }

  /**
   * Cuts bytes after the last newline (a write the crash interrupted, so never acknowledged), keeping
   * a copy beside the file for inspection. Returns how many bytes were cut.
   */
  static long cutTornTail(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end == bytes.length) {
      return 0;
    }
    Path aside = file.resolveSibling(file.getFileName() + ".torn-" + System.currentTimeMillis());
    Files.write(aside, java.util.Arrays.copyOfRange(bytes, end, bytes.length), StandardOpenOption.CREATE_NEW);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(end);
      channel.force(true);
    }
    return bytes.length - end;
  }

  /** The file's last record, or null when it has none; refuses a damaged last record. */
  static AuditEntry lastEntry(Path file, AuditKey key) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '\n') {
      end--;
    }
    if (end == 0) {
      return null;
    }
    String line = text.substring(text.lastIndexOf('\n', end - 1) + 1, end);
    AuditEntry entry;
    try {
      entry = AuditEntry.parse(line);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the last audit record in " + file + " is damaged (" + e.getMessage() + "); run `shcr audit verify`", e);
    }
    if (!entry.sealedBy(key)) {
      throw new IllegalStateException("the last audit record in " + file + " does not match its hash under the audit key (edited, or the key is wrong); run `shcr audit verify`");
    }
    return entry;
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
