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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>A failed write (a full disk, an IO error) never leaves the store broken: the next append (or
 * readiness probe) first restores the files to the last acknowledged batch, checkpoint first (a
 * checkpoint behind the log is accepted on start, one ahead is not), then the log cut back to the
 * acknowledged size, files started since set aside. Until that succeeds every append fails, so the
 * record API answers 503; once the disk is back, the chain continues unbroken. A write blocked inside
 * the operating system cannot be interrupted; callers are answered at their time limit meanwhile
 * ({@link AuditLog}) and readiness reports the store as not writable.
 */
public final class FileAuditStore implements AuditStore {
  // A count, not a random id: the pool name is a metrics label, and a random id can look like an NHS number.
  private static final java.util.concurrent.atomic.AtomicInteger WRITERS = new java.util.concurrent.atomic.AtomicInteger();


  static final String HEAD = "head";
  private static final String PROBE = ".probe";
  private static final Logger LOG = LoggerFactory.getLogger(FileAuditStore.class);

  private final Vertx vertx;
  private final Path dir;
  private final long maxFileBytes;
  private final AuditKey key;
  private final AuditDisk disk;
  private WorkerExecutor writerThread;
  private FileChannel channel;
  private FileLock lock;
  private int fileIndex;
  private long size;
  /** Where the last acknowledged batch ended: the file and its size. */
  private int ackedIndex;
  private long ackedSize;
  /** A write failed: the files may hold more than was acknowledged, or the channel may be gone. */
  private boolean dirty;
  private volatile ChainHead head = ChainHead.EMPTY;

  /** A store keyed with a fresh random key: only this process can verify what it writes (benchmarks). */
  public FileAuditStore(Vertx vertx, Path dir, long maxFileBytes) {
    this(vertx, dir, maxFileBytes, AuditKey.ephemeral());
  }

  public FileAuditStore(Vertx vertx, Path dir, long maxFileBytes, AuditKey key) {
    this(vertx, dir, maxFileBytes, key, AuditDisk.REAL);
  }

  /** As {@link #FileAuditStore(Vertx, Path, long, AuditKey)}, writing through {@code disk} (tests make it fail). */
  public FileAuditStore(Vertx vertx, Path dir, long maxFileBytes, AuditKey key, AuditDisk disk) {
    this.vertx = vertx;
    this.dir = dir;
    this.maxFileBytes = maxFileBytes;
    this.key = key;
    this.disk = disk;
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
    writerThread = vertx.createSharedWorkerExecutor("shcr-audit-writer-" + WRITERS.incrementAndGet(), 1);
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

  /**
   * On the writer thread (so behind any write in progress): restores the files if a write failed,
   * then creates, fills (one 4 KiB block, which a full disk cannot give) and syncs a scratch file.
   */
  @Override
  public Future<Void> probeWritable() {
    if (writerThread == null) {
      return Future.failedFuture(new IllegalStateException("the audit store is not open"));
    }
    return writerThread.executeBlocking(() -> {
      if (dirty) {
        restore();
      }
      Path probe = dir.resolve(PROBE);
      Files.deleteIfExists(probe);
      try (FileChannel out = disk.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer block = ByteBuffer.allocate(4096);
        while (block.hasRemaining()) {
          out.write(block);
        }
        out.force(true);
      } finally {
        Files.deleteIfExists(probe);
      }
      return null;
    }, true);
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
        try {
          channel.close();
        } catch (IOException e) {
          LOG.warn("Could not close the audit file cleanly: {}", e.getMessage());
        }
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
    Files.deleteIfExists(dir.resolve(PROBE));
    if (files.isEmpty()) {
      startFile(1);
    } else {
      Path last = files.get(files.size() - 1);
      fileIndex = AuditLogFiles.index(last);
      channel = disk.open(last, StandardOpenOption.WRITE);
      size = channel.size();
      channel.position(size);
    }
    ackedIndex = fileIndex;
    ackedSize = size;
    return head;
  }

  private void appendBlocking(List<AuditEntry> entries) throws IOException {
    if (dirty) {
      restore();
    }
    try {
      writeBatch(entries);
    } catch (IOException | RuntimeException e) {
      dirty = true;
      try {
        restore();
      } catch (IOException | RuntimeException stillFailing) {
        // The next append or readiness probe tries again.
      }
      throw e;
    }
  }

  private void writeBatch(List<AuditEntry> entries) throws IOException {
    if (size >= maxFileBytes) {
      channel.close();
      channel = null;
      startFile(fileIndex + 1);
    }
    StringBuilder text = new StringBuilder(entries.size() * 600);
    entries.forEach(entry -> text.append(entry.toLine()).append('\n'));
    ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    channel.force(false);
    size = channel.position();
    AuditEntry last = entries.get(entries.size() - 1);
    ChainHead newHead = new ChainHead(last.sequence(), last.hash());
    writeCheckpoint(newHead);
    head = newHead;
    ackedIndex = fileIndex;
    ackedSize = size;
  }

  /**
   * Puts the files back to the last acknowledged batch after a failed write. The checkpoint goes first:
   * were it left ahead of a log cut back, the next start would refuse the trail as truncated.
   */
  private void restore() throws IOException {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // it is being replaced
      }
      channel = null;
    }
    writeCheckpoint(head);
    long stamp = System.currentTimeMillis();
    for (Path file : AuditLogFiles.list(dir)) {
      if (AuditLogFiles.index(file) > ackedIndex) {
        // Started after the last acknowledged batch: it holds nothing anyone was told is durable.
        Files.move(file, file.resolveSibling(file.getFileName() + ".unacknowledged-" + stamp));
      }
    }
    FileChannel reopened = disk.open(dir.resolve(AuditLogFiles.name(ackedIndex)), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      long cut = reopened.size() - ackedSize;
      reopened.truncate(ackedSize);
      reopened.force(false);
      reopened.position(ackedSize);
      disk.syncDirectory(dir);
      if (cut > 0) {
        LOG.warn("Audit store restored after a failed write: {} unacknowledged bytes cut from {}", cut, AuditLogFiles.name(ackedIndex));
      } else {
        LOG.warn("Audit store restored after a failed write; the chain continues after sequence {}", head.sequence());
      }
    } catch (IOException | RuntimeException e) {
      reopened.close();
      throw e;
    }
    channel = reopened;
    fileIndex = ackedIndex;
    size = ackedSize;
    dirty = false;
  }

  /** Replaces the head file atomically and durably: temporary file, sync, rename, directory sync. */
  private void writeCheckpoint(ChainHead newHead) throws IOException {
    Path temp = dir.resolve(HEAD + ".tmp");
    byte[] bytes = Checkpoint.of(newHead, key).toJson().concat("\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel out = disk.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    disk.replace(temp, dir.resolve(HEAD));
    disk.syncDirectory(dir);
  }

  private void startFile(int index) throws IOException {
    Path file = dir.resolve(AuditLogFiles.name(index));
    channel = disk.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    fileIndex = index;
    size = 0;
    disk.syncDirectory(dir);
  }
}
