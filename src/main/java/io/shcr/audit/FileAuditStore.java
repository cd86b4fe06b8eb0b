package io.shcr.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * The embedded store: append-only files {@code audit-00000001.log}, {@code audit-00000002.log}, ... under
 * a data directory, one JSON line per record. A batch is written and {@code force}d (fdatasync) before
 * its future completes, so a SIGKILL cannot lose an acknowledged record. When a file reaches its size
 * limit the next batch starts a new file; the chain runs on across files, so rotation breaks nothing.
 * All file IO runs on one dedicated worker thread, never on an event loop. A lock file keeps a second
 * process from writing the same directory. On open, a torn final line (a crash mid-write, never
 * acknowledged) is moved aside to a {@code .torn-*} file and cut off.
 */
public final class FileAuditStore implements AuditStore {

  private final Vertx vertx;
  private final Path dir;
  private final long maxFileBytes;
  private WorkerExecutor writerThread;
  private FileChannel channel;
  private FileLock lock;
  private int fileIndex;
  private long size;
  private boolean broken;
  private volatile ChainHead head = ChainHead.EMPTY;

  public FileAuditStore(Vertx vertx, Path dir, long maxFileBytes) {
    this.vertx = vertx;
    this.dir = dir;
    this.maxFileBytes = maxFileBytes;
  }

  public Path directory() {
    return dir;
  }

  @Override
  public Future<ChainHead> open() {
    writerThread = vertx.createSharedWorkerExecutor("shcr-audit-writer-" + UUID.randomUUID(), 1);
    return writerThread.executeBlocking(this::openBlocking, true);
  }

  @Override
  public Future<Void> append(List<AuditEntry> entries) {
    if (writerThread == null) {
      return Future.failedFuture(new IllegalStateException("the audit store is not open"));
    }
    return writerThread.executeBlocking(() -> {
      appendBlocking(entries);
      return null;
    }, true);
  }

  @Override
  public Future<ChainHead> head() {
    return Future.succeededFuture(head);
  }

  @Override
  public Future<Void> scan(LineVisitor visitor) {
    return vertx.executeBlocking(() -> {
      AuditLogFiles.scan(dir, visitor);
      return null;
    }, false);
  }

  @Override
  public Future<AuditPage> search(AuditQuery query) {
    TrailScans.PageCollector collector = new TrailScans.PageCollector(query);
    return scan(collector).map(v -> collector.page());
  }

  @Override
  public Future<List<AuditEntry>> acknowledgements(List<Long> alertSequences) {
    TrailScans.AckCollector collector = new TrailScans.AckCollector(alertSequences);
    return scan(collector).map(v -> collector.acks());
  }

  @Override
  public Future<Void> close() {
    if (writerThread == null) {
      return Future.succeededFuture();
    }
    WorkerExecutor thread = writerThread;
    return thread.<Void>executeBlocking(() -> {
      if (channel != null) {
        channel.close();
      }
      if (lock != null) {
        lock.channel().close();
      }
      return null;
    }, true).eventually(thread::close);
  }

  private ChainHead openBlocking() throws IOException {
    Files.createDirectories(dir);
    FileChannel lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IllegalStateException("another process is writing the audit trail in " + dir);
    }
    List<Path> files = AuditLogFiles.list(dir);
    if (files.isEmpty()) {
      startFile(1);
      return head;
    }
    Path last = files.get(files.size() - 1);
    AuditLogFiles.cutTornTail(last);
    for (int i = files.size() - 1; i >= 0 && head == ChainHead.EMPTY; i--) {
      AuditEntry lastEntry = AuditLogFiles.lastEntry(files.get(i));
      if (lastEntry != null) {
        head = new ChainHead(lastEntry.sequence(), lastEntry.hash());
      }
    }
    fileIndex = AuditLogFiles.index(last);
    channel = FileChannel.open(last, StandardOpenOption.WRITE);
    size = channel.size();
    channel.position(size);
    return head;
  }

  private void appendBlocking(List<AuditEntry> entries) throws IOException {
    if (broken) {
      throw new IOException("the audit file could not be restored after a failed write; restart the service");
    }
    if (size >= maxFileBytes) {
      channel.close();
      startFile(fileIndex + 1);
    }
    StringBuilder text = new StringBuilder(entries.size() * 600);
    entries.forEach(entry -> text.append(entry.toLine()).append('\n'));
    ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    long before = size;
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(false);
    } catch (IOException e) {
      undo(before);
      throw e;
    }
    size = channel.position();
    AuditEntry last = entries.get(entries.size() - 1);
    head = new ChainHead(last.sequence(), last.hash());
  }

  private void undo(long before) {
    try {
      channel.truncate(before);
      channel.position(before);
      channel.force(false);
    } catch (IOException e) {
      broken = true;
    }
  }

  private void startFile(int index) throws IOException {
    fileIndex = index;
    Path file = dir.resolve(AuditLogFiles.name(index));
    channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    size = 0;
    AuditLogFiles.syncDirectory(dir);
  }
}
