package io.shcr.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The file operations the embedded store writes through: opening channels, replacing the head file,
 * syncing the directory. Production uses the real file system ({@link #REAL}); tests pass one that
 * fails like a full or read-only disk (which a root test process cannot get from permissions), then
 * heals, to show the store recovers by itself.
 */
public interface AuditDisk {

  AuditDisk REAL = new AuditDisk() {};

  default FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, options);
  }

  /** Atomically replaces {@code to} with {@code from}. */
  default void replace(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  default void syncDirectory(Path dir) throws IOException {
    AuditLogFiles.syncDirectory(dir);
  }
}
