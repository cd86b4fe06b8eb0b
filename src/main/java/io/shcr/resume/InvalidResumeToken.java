package io.shcr.resume;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;

/**
 * A resume token that cannot be honoured: damaged or altered, expired, or issued for another user, role,
 * patient or view. The message says which of those, never what the token held.
 */
public final class InvalidResumeToken extends Exception {

  public InvalidResumeToken(String why) {
    super(why, null, false, false);
  }

  /** The refusal the client gets: 400 {@code INVALID_RESUME_TOKEN}; nothing is fetched. */
  public ApiError error() {
    return ErrorCode.INVALID_RESUME_TOKEN.error("The stream cannot be resumed: " + getMessage()
        + ". Open the record again (without Last-Event-ID) for a new view.");
  }
}
