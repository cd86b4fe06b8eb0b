package io.shcr.cli;

import io.shcr.audit.AuditConfig;
import io.shcr.audit.AuditStore;
import io.shcr.audit.ChainVerifier;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code audit verify}: walks the whole trail (every file in order, or the PostgreSQL table) and reports
 * the first edited, deleted, inserted or reordered record, a trail cut short before its head checkpoint,
 * or (PostgreSQL) an edited search column, exiting 1 when the trail is broken and 2 when it cannot be
 * read at all. It needs the service's audit key (the environment variable audit.yaml names).
 * {@code audit tail}: prints the last records. Both only read; they are safe beside a running service.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Inspect the audit trail.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Tail.class})
public final class AuditCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Options shared by the subcommands: where the configuration is, or the embedded trail directly. */
  static class Target {
    @picocli.CommandLine.Mixin
    ConfigOption configOption = new ConfigOption();

    @Option(names = "--dir", description = "An embedded trail's directory (overrides audit.yaml).")
    Path dataDir;

    <T> T withStore(Function<AuditStore, io.vertx.core.Future<T>> action) {
      AuditConfig auditConfig = AuditConfig.load(configOption.dir());
      if (dataDir != null) {
        auditConfig = auditConfig.withEmbeddedDir(dataDir);
      }
      Vertx vertx = Vertx.vertx();
      try {
        AuditStore store = auditConfig.newStore(vertx);
        try {
          return Startup.await(action.apply(store));
        } finally {
          Startup.await(store.close());
        }
      } finally {
        Startup.await(vertx.close());
      }
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, description = "Verify the hash chain of the whole trail.")
  static final class Verify implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Target target = new Target();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ChainVerifier.Report report;
      try {
        report = target.withStore(ChainVerifier::verify);
      } catch (RuntimeException e) {
        out.printf("audit trail could not be read: %s%n", e.getMessage());
        return 2;
      }
      if (report.intact()) {
        out.printf("audit trail intact: %d records, head sequence %d, head hash %s%n", report.checked(), report.lastSequence(), report.lastHash());
        return 0;
      }
      ChainVerifier.Problem problem = report.problem();
      out.printf("AUDIT TRAIL BROKEN at %s (sequence %d): %s%n", problem.location(), problem.sequence(), problem.message());
      out.printf("%d records verified before it (last good sequence %d)%n", report.checked(), report.lastSequence());
      return 1;
    }
  }

  @Command(name = "tail", mixinStandardHelpOptions = true, description = "Print the last records of the trail.")
  static final class Tail implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Target target = new Target();

    @Option(names = {"-n", "--lines"}, defaultValue = "20", description = "How many records (default: ${DEFAULT-VALUE}).")
    int lines;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Deque<String> last = new ArrayDeque<>();
      target.withStore(store -> store.scan((location, line) -> {
        last.addLast(line);
        if (last.size() > Math.max(1, lines)) {
          last.removeFirst();
        }
        return true;
      }));
      PrintWriter out = spec.commandLine().getOut();
      last.forEach(out::println);
      out.flush();
      return 0;
    }
  }
}
