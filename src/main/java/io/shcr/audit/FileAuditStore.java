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
import java.nio.file.StandardCopyOption;
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
 *
 * <p>Each batch also replaces the {@code head} file, the HMAC-sealed {@link Checkpoint} of the chain's
 * head (written to a temporary file, synced, renamed over the old one, directory synced): one extra
 * write per batch, not per record. Opening refuses a trail that ends before its checkpoint, or holds
 * records with no checkpoint, so deleting the newest records is caught rather than silently continued.
 */
public final class FileAuditStore implements AuditStore {

  static final String HEAD = "head";

  private final Vertx vertx;
  private final Path dir;
  private final long maxFileBytes;
  private final AuditKey key;
  private WorkerExecutor writerThread;
  private FileChannel channel;
  private FileLock lock;
  private int fileIndex;
  private long size;
  private boolean broken;
  private volatile ChainHead head = ChainHead.EMPTY;

  /** A store keyed with a fresh random key: only this process can verify what it writes (benchmarks). */
  public FileAuditStore(Vertx vertx, Path dir, long maxFileBytes) {
    this(vertx, dir, maxFileBytes, AuditKey.ephemeral());
  }

  public FileAuditStore(Vertx vertx, Path dir, long maxFileBytes, AuditKey key) {
    this.vertx = vertx;
    this.dir = dir;
    this.maxFileBytes = maxFileBytes;
    this.key = key;
  }

  @Override
  public AuditKey key() {
    return key;
  }

  @Override
  public Future<Checkpoint> checkpoint() {
    return vertx.executeBlocking(this::readCheckpoint, false);
  }

  /** The head file, null when absent; a damaged one reads as a checkpoint no key authenticates. */
  private Checkpoint readCheckpoint() throws IOException {
    Path file = dir.resolve(HEAD);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return Checkpoint.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return new Checkpoint(0, null, null);
    }
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
    try {
      return openLocked();
    } catch (IOException | RuntimeException e) {
      lock.channel().close();
      lock = null;
      throw e;
    }
  }

  private ChainHead openLocked() throws IOException {
    List<Path> files = AuditLogFiles.list(dir);
    if (!files.isEmpty()) {
      Path last = files.get(files.size() - 1);
      AuditLogFiles.cutTornTail(last);
      for (int i = files.size() - 1; i >= 0 && head == ChainHead.EMPTY; i--) {
        AuditEntry lastEntry = AuditLogFiles.lastEntry(files.get(i), key);
        if (lastEntry != null) {
          head = new ChainHead(lastEntry.sequence(), lastEntry.hash());
        }
      }
    }
    Checkpoint checkpoint = readCheckpoint();
    String problem = Checkpoint.startupProblem(head, checkpoint, key, dir.resolve(HEAD).toString());
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    if (checkpoint == null || checkpoint.sequence() != head.sequence()) {
      writeCheckpoint(head);
    }
    if (files.isEmpty()) {
      startFile(1);
      return head;
    }
    Path last = files.get(files.size() - 1);
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
    ChainHead newHead = new ChainHead(last.sequence(), last.hash());
    try {
      writeCheckpoint(newHead);
    } catch (IOException e) {
      broken = true;
      throw e;
    }
    head = newHead;
  }

  /** Replaces the head file atomically and durably: temporary file, sync, rename, directory sync. */
  private void writeCheckpoint(ChainHead newHead) throws IOException {
    Path temp = dir.resolve(HEAD + ".tmp");
    byte[] bytes = Checkpoint.of(newHead, key).toJson().concat("\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    Files.move(temp, dir.resolve(HEAD), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    AuditLogFiles.syncDirectory(dir);
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
