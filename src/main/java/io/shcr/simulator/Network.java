package io.shcr.simulator;

import io.shcr.sources.SourceRegistry;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated region: its organisations (every source in sources.yaml), its population and the
 * writer of what each organisation holds.
 */
public final class Network {

  private final Map<String, Organisation> organisations;
  private final Population population;
  private final RecordFactory records;

  public Network(List<Organisation> organisations, Population population) {
    Map<String, Organisation> byOds = new LinkedHashMap<>();
    organisations.forEach(o -> byOds.put(o.ods(), o));
    this.organisations = Map.copyOf(byOds);
    this.population = population;
    Map<String, String> names = new LinkedHashMap<>();
    organisations.forEach(o -> names.put(o.ods(), o.name()));
    this.records = new RecordFactory(population, names);
  }

  public static Network of(SourceRegistry sources, SimulatorConfig config) {
    List<Organisation> orgs = sources.all().stream().map(Organisation::of).toList();
    Network network = new Network(orgs, Population.generate(config.seed(), config.populationSize(), config.areas()));
    network.gpConnect = sources.gpConnect();
    return network;
  }

  private io.shcr.sources.GpConnectConsumer gpConnect = io.shcr.sources.GpConnectConsumer.UNCONFIGURED;

  /** The consumer the practices expect (its ASID in Ssp-From), and how it asks SDS. */
  io.shcr.sources.GpConnectConsumer gpConnect() {
    return gpConnect;
  }

  /**
   * A practice's ASID as SDS records it (and its Ssp-To): its static entry in sources.yaml when it has one,
   * else {@code 9} and its place among the practices, in twelve digits ({@code 900000000001} for the first).
   */
  String asidOf(String practice) {
    String configured = gpConnect.providerAsids().get(practice);
    if (configured != null) {
      return configured;
    }
    List<String> practices = organisations.values().stream().filter(Organisation::gpConnect).map(Organisation::ods).sorted().toList();
    return String.format("9%011d", practices.indexOf(practice) + 1);
  }

  /** A practice's MHS party key in SDS: its ODS code and a number, as Spine's are. */
  static String partyKeyOf(String practice) {
    return practice + "-" + String.format("%07d", Math.floorMod(practice.hashCode(), 10_000_000));
  }

  public Optional<Organisation> organisation(String ods) {
    return Optional.ofNullable(organisations.get(ods));
  }

  /** An organisation that answers FHIR search (every one but the GP practices). */
  Optional<Organisation> searchable(String ods) {
    return organisation(ods).filter(o -> !o.gpConnect());
  }

  Optional<Organisation> practice(String ods) {
    return organisation(ods).filter(Organisation::gpConnect);
  }

  public Population population() {
    return population;
  }

  public RecordFactory records() {
    return records;
  }

  /** The organisation's base URL as the caller reached it (so next links work on any port). */
  String baseUrl(RoutingContext ctx, Organisation org) {
    HostAndPort authority = ctx.request().authority();
    String host = authority == null ? "127.0.0.1" : authority.host();
    int port = authority == null || authority.port() < 0 ? ctx.request().localAddress().port() : authority.port();
    return "http://" + host + ":" + port + "/" + org.ods();
  }
}
