package io.shcr.simulator;

/**
 * The categories of information a shared care record must never share, as the synthetic population
 * carries them (see ../shared/reference/sensitive-data.md): the four categories of the Lancashire and
 * South Cumbria record, with sexual health split into sexually transmitted infections and HIV.
 */
public enum Sensitive {
  STI,
  HIV,
  TERMINATION_OF_PREGNANCY,
  ASSISTED_CONCEPTION,
  GENDER_REASSIGNMENT
}
