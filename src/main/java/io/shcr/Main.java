package io.shcr;

import io.shcr.cli.AuditCommand;
import io.shcr.cli.DemoCommand;
import io.shcr.cli.ProbeCommand;
import io.shcr.cli.ServeCommand;
import io.shcr.cli.SimulateCommand;
import io.shcr.cli.TokenCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one runnable jar: {@code java -jar shcr.jar <command>}. */
@Command(
    name = "shcr",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Shared Care Record: a federated, non-persisted view of one patient's record.",
    subcommands = {
      ServeCommand.class,
      TokenCommand.class,
      AuditCommand.class,
      SimulateCommand.class,
      DemoCommand.class,
      ProbeCommand.class,
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    int exit = new CommandLine(new Main())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          System.err.println("shcr " + cmd.getCommandName() + ": " + explain(e));
          return 1;
        })
        .execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** A start-up failure as one line an operator can act on, not a stack trace. */
  static String explain(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return "a port it needs is already in use (is another shcr running? the service's port is in service.yaml, "
            + "the simulator's in simulator.yaml): stop the other process or change the port.";
      }
    }
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"shcr " + (version == null ? "dev" : version)};
    }
  }
}
