package io.shcr.sources.sds;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The two SDS FHIR API searches for a practice's GP Connect endpoint, and how their answers are read
 * (GP Connect 1.6 "Spine Directory Service": first the MHS record, the endpoint address and party key,
 * then the accredited system, its ASID, by the same party key). Pure: builds the queries, reads the
 * Bundles. SDS is not trusted more than a source: anything but exactly one active Endpoint and one
 * Device that agree with each other and with the practice asked is refused, never guessed at.
 */
public final class SdsAnswers {

  public static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
  public static final String INTERACTION = "https://fhir.nhs.uk/Id/nhsServiceInteractionId";
  public static final String PARTY_KEY = "https://fhir.nhs.uk/Id/nhsMhsPartyKey";
  public static final String ASID = "https://fhir.nhs.uk/Id/nhsSpineASID";
  static final String INTERACTION_EXTENSION = "https://fhir.nhs.uk/StructureDefinition/Extension-SDS-NhsServiceInteractionId";
  /** The most entries a search answer may hold: one is expected, a few may be inactive. */
  public static final int MAX_ENTRIES = 20;
  static final int MAX_ADDRESS_CHARS = 2_048;

  private static final Pattern ASID_FORM = Pattern.compile("[0-9]{1,18}");
  private static final Pattern PARTY_KEY_FORM = Pattern.compile("[A-Za-z0-9-]{1,64}");

  /** What SDS's answer does not give, in our words (a source status detail after "the Spine Directory Service "). */
  public static final class Refused extends RuntimeException {
    public Refused(String why) {
      super(why, null, false, false);
    }
  }

  /** The MHS record's part: where the service is, and the party key its accredited system is found by. */
  public record Mhs(String address, String partyKey) {}

  private SdsAnswers() {}

  /** {@code /Endpoint?organization=...|{ods}&identifier=...|{interaction}}, encoded. */
  public static String endpointSearch(String ods, String interaction) {
    return "/Endpoint?organization=" + encode(ODS + "|" + ods) + "&identifier=" + encode(INTERACTION + "|" + interaction);
  }

  /** {@code /Device?organization=...|{ods}&identifier=...|{interaction}&identifier=...|{partyKey}}, encoded. */
  public static String deviceSearch(String ods, String interaction, String partyKey) {
    return "/Device?organization=" + encode(ODS + "|" + ods) + "&identifier=" + encode(INTERACTION + "|" + interaction)
        + "&identifier=" + encode(PARTY_KEY + "|" + partyKey);
  }

  /** The one active Endpoint of the practice for the interaction, with its address allowed by {@code settings}. */
  public static Mhs endpoint(JsonObject bundle, String ods, String interaction, SdsSettings settings) {
    List<JsonObject> endpoints = active(resources(bundle, "Endpoint"));
    if (endpoints.isEmpty()) {
      throw new Refused("has no GP Connect endpoint for this practice");
    }
    if (endpoints.size() > 1) {
      throw new Refused("gave more than one GP Connect endpoint for this practice");
    }
    JsonObject endpoint = endpoints.get(0);
    checkOrganisation(endpoint.getValue("managingOrganization"), ods, "an endpoint of another organisation");
    for (String named : interactionsNamed(endpoint)) {
      if (!named.equals(interaction)) {
        throw new Refused("gave an endpoint for another interaction");
      }
    }
    String partyKey = one(identifiers(endpoint, PARTY_KEY), "an endpoint with no party key, or several");
    if (!PARTY_KEY_FORM.matcher(partyKey).matches()) {
      throw new Refused("gave a party key that is not one");
    }
    if (!(endpoint.getValue("address") instanceof String address) || address.isBlank()
        || address.length() > MAX_ADDRESS_CHARS || address.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new Refused("gave no usable endpoint address");
    }
    String refusal = settings.refusalOf(address);
    if (refusal != null) {
      throw new Refused("gave " + refusal);
    }
    return new Mhs(address, partyKey);
  }

  /** The ASID of the practice's one accredited system with this party key. */
  public static String asid(JsonObject bundle, String ods, String partyKey) {
    List<JsonObject> devices = active(resources(bundle, "Device"));
    if (devices.isEmpty()) {
      throw new Refused("has no accredited system for this practice's endpoint");
    }
    if (devices.size() > 1) {
      throw new Refused("gave more than one accredited system for this practice's endpoint");
    }
    JsonObject device = devices.get(0);
    checkOrganisation(device.getValue("owner"), ods, "an accredited system of another organisation");
    Set<String> keys = identifiers(device, PARTY_KEY);
    if (keys.isEmpty()) {
      throw new Refused("gave an accredited system with no party key");
    }
    if (!keys.equals(Set.of(partyKey))) {
      throw new Refused("gave an accredited system of another endpoint");
    }
    String asid = one(identifiers(device, ASID), "an accredited system with no ASID, or several");
    if (!ASID_FORM.matcher(asid).matches()) {
      throw new Refused("gave an ASID that is not a number");
    }
    return asid;
  }

  private static List<JsonObject> resources(JsonObject bundle, String type) {
    if (bundle == null || !"Bundle".equals(bundle.getValue("resourceType"))) {
      throw new Refused("answered with something that is not a FHIR Bundle");
    }
    List<JsonObject> found = new ArrayList<>();
    if (bundle.getValue("entry") instanceof JsonArray entries) {
      for (Object e : entries) {
        if (e instanceof JsonObject entry && entry.getValue("resource") instanceof JsonObject resource) {
          Object resourceType = resource.getValue("resourceType");
          if (type.equals(resourceType)) {
            found.add(resource);
          } else if (!"OperationOutcome".equals(resourceType)) {
            throw new Refused("answered with resources it was not asked for");
          }
        }
      }
    }
    return found;
  }

  /** Those not marked anything but active (an Endpoint's status; a Device's, when it has one). */
  private static List<JsonObject> active(List<JsonObject> resources) {
    return resources.stream().filter(r -> r.getValue("status") == null || "active".equals(r.getValue("status"))).toList();
  }

  private static void checkOrganisation(Object reference, String ods, String refusal) {
    if (reference == null) {
      // SDS was searched by organisation, but a record that does not say whose it is proves nothing.
      throw new Refused("gave a record that does not say which organisation it is for");
    }
    if (!(reference instanceof JsonObject ref) || !(ref.getValue("identifier") instanceof JsonObject identifier)
        || !ODS.equals(identifier.getValue("system")) || !(identifier.getValue("value") instanceof String value)
        || !value.trim().equalsIgnoreCase(ods)) {
      throw new Refused("gave " + refusal);
    }
  }

  private static List<String> interactionsNamed(JsonObject endpoint) {
    List<String> named = new ArrayList<>();
    if (endpoint.getValue("extension") instanceof JsonArray extensions) {
      for (Object e : extensions) {
        if (e instanceof JsonObject ext && INTERACTION_EXTENSION.equals(ext.getValue("url"))
            && ext.getValue("valueReference") instanceof JsonObject ref && ref.getValue("identifier") instanceof JsonObject id
            && id.getValue("value") instanceof String value) {
          named.add(value);
        }
      }
    }
    return named;
  }

  private static Set<String> identifiers(JsonObject resource, String system) {
    Set<String> values = new LinkedHashSet<>();
    if (resource.getValue("identifier") instanceof JsonArray identifiers) {
      for (Object i : identifiers) {
        if (i instanceof JsonObject identifier && system.equals(identifier.getValue("system"))) {
          values.add(identifier.getValue("value") instanceof String v ? v.trim() : "");
        }
      }
    }
    return values;
  }

  private static String one(Set<String> values, String refusal) {
    if (values.size() != 1 || values.iterator().next().isEmpty()) {
      throw new Refused("gave " + refusal);
    }
    return values.iterator().next();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
