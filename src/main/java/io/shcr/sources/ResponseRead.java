package io.shcr.sources;

import io.shcr.core.Section;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What an adapter read from one HTTP response: a value, never an exception.
 *
 * @param sections the resources this response gives each section it fills (a section present with an
 *     empty list was answered with nothing; a section absent was not answered at all)
 * @param matches what the response answers to its request (a search's matches), for link lookups
 * @param received every resource of the response, for the source's index (what links and the patient
 *     guard are checked against)
 * @param resourceCount how many resources the response held, charged against the source's budget for
 *     the request; -1 when it was not read that far
 * @param next the request for the next page, or null
 * @param patient what the response says about whether the source holds the patient
 * @param details readable notes for the source's status (GP Connect warnings), in our own words
 * @param failure why the response cannot be used, or null
 */
public record ResponseRead(
    Map<Section, List<JsonObject>> sections,
    List<JsonObject> matches,
    List<JsonObject> received,
    int resourceCount,
    SourceQuery next,
    PatientWord patient,
    List<String> details,
    SourceFailure failure) {

  /** What one response says about the patient. */
  public enum PatientWord {
    /** It returned data about the patient. */
    KNOWN,
    /** It says nothing either way (an empty search). */
    UNSAID,
    /** The source says it does not hold the patient (a 404 with a Spine code that says so). */
    NOT_HELD
  }

  public ResponseRead {
    sections = Map.copyOf(sections);
    matches = List.copyOf(matches);
    received = List.copyOf(received);
    details = List.copyOf(details);
  }

  /** A response that cannot be used; what was received before the problem was found still goes to the index. */
  public static ResponseRead failed(SourceFailure failure, int resourceCount, List<JsonObject> received) {
    return new ResponseRead(Map.of(), List.of(), received, resourceCount, null, PatientWord.UNSAID, List.of(), failure);
  }

  public static ResponseRead failed(SourceFailure failure, int resourceCount) {
    return failed(failure, resourceCount, List.of());
  }

  public boolean succeeded() {
    return failure == null;
  }
}
