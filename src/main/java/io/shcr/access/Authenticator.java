package io.shcr.access;

import io.shcr.core.Principal;
import io.vertx.core.Future;
import java.util.List;

/**
 * Turns the values of a request's {@code Authorization} header (normally one {@code Bearer} token) into the active role's {@link Principal}. A
 * failure carries an {@link io.shcr.core.ApiError} (401 UNAUTHORISED with a reason a developer can act on)
 * as {@link AccessRefusedException}.
 */
public interface Authenticator {

  Future<Principal> authenticate(List<String> authorization);
}
