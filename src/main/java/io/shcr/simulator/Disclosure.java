package io.shcr.simulator;

/**
 * What the simulator knows about one item it wrote: whether a shared care record may show it, and if not,
 * why. This is the demo network's ground truth, kept beside the record ({@link OrgRecord#disclosureOf}),
 * never in it: no tag, extension or id tells the service anything.
 *
 * @param kind whether and why the item must be withheld
 * @param category the sensitive category, for {@link Kind#SENSITIVE} and {@link Kind#LINKED}
 */
public record Disclosure(Kind kind, Sensitive category) {

  public enum Kind {
    /** Ordinary care: every viewer whose role sees its section must get it. */
    ORDINARY,
    /** Records sensitive care itself: the diagnosis, the sexual health clinic visit and all it produced, the referral for it. */
    SENSITIVE,
    /** Ordinary in itself but tied to sensitive care: a medicine whose reason is HIV, a consultation for chlamydia. */
    LINKED,
    /** Marked confidential by the source ({@code meta.security} R). */
    CONFIDENTIAL
  }

  public static final Disclosure ORDINARY = new Disclosure(Kind.ORDINARY, null);
  public static final Disclosure CONFIDENTIAL = new Disclosure(Kind.CONFIDENTIAL, null);

  public static Disclosure sensitive(Sensitive category) {
    return new Disclosure(Kind.SENSITIVE, category);
  }

  public static Disclosure linkedTo(Sensitive category) {
    return new Disclosure(Kind.LINKED, category);
  }

  public boolean mustBeWithheld() {
    return kind != Kind.ORDINARY;
  }

  @Override
  public String toString() {
    return category == null ? kind.name().toLowerCase() : kind.name().toLowerCase() + " " + category.name().toLowerCase();
  }
}
