package io.shcr.access;

/** Why a record is opened: ordinary direct care, or an emergency under break-glass. */
public enum Purpose {
  DIRECT_CARE("direct-care"),
  EMERGENCY("emergency");

  private final String wireName;

  Purpose(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
