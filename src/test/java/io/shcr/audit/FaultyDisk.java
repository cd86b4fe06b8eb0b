package io.shcr.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The embedded store's disk, made to fail like a real one: {@link #full} (writes stop half-way with
 * ENOSPC, no new file can be created, a rename fails) and {@link #hang} (a sync blocks until
 * {@link #release}). Tests run as root, so a read-only directory would not stop them.
 */
public final class FaultyDisk implements AuditDisk {

  public volatile boolean full;
  volatile boolean checkpointOnly;
  private volatile CountDownLatch hang;

  public void hang() {
    hang = new CountDownLatch(1);
  }

  public void release() {
    CountDownLatch latch = hang;
    hang = null;
    if (latch != null) {
      latch.countDown();
    }
  }

  private boolean failing(Path file) {
    return full && (!checkpointOnly || file.getFileName().toString().startsWith(FileAuditStore.HEAD));
  }

  private static IOException noSpace(Path file) {
    return new IOException(file.getFileName() + ": No space left on device");
  }

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    Set<OpenOption> asked = Set.of(options);
    boolean creates = asked.contains(StandardOpenOption.CREATE_NEW) || (asked.contains(StandardOpenOption.CREATE) && !Files.exists(file));
    if (creates && failing(file)) {
      throw noSpace(file);
    }
    return new Channel(file, FileChannel.open(file, options));
  }

  @Override
  public void replace(Path from, Path to) throws IOException {
    if (failing(to)) {
      throw noSpace(to);
    }
    AuditDisk.super.replace(from, to);
  }

  /** A real channel whose writes and syncs pass through the faults. */
  private final class Channel extends FileChannel {
    private final Path file;
    private final FileChannel real;

    Channel(Path file, FileChannel real) {
      this.file = file;
      this.real = real;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (failing(file)) {
        // Half of it reaches the file, as when a disk fills up mid-write.
        int half = src.remaining() / 2;
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + half);
        real.write(part);
        src.position(src.position() + half);
        throw noSpace(file);
      }
      return real.write(src);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      CountDownLatch latch = hang;
      if (latch != null) {
        try {
          latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      if (failing(file)) {
        throw noSpace(file);
      }
      real.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long written = 0;
      for (int i = offset; i < offset + length; i++) {
        written += write(srcs[i]);
      }
      return written;
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      real.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      if (failing(file)) {
        throw noSpace(file);
      }
      return real.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      if (failing(file)) {
        throw noSpace(file);
      }
      return real.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
