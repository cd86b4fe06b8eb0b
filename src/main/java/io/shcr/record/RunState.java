package io.shcr.record;

/**
 * Where one source's run stands within one view: {@code WAITING} (not started), {@code ASKING} (its
 * requester is at work), {@code FINISHED} (its final status is set, once, by {@code SourceRun.end}).
 */
enum RunState {
  WAITING,
  ASKING,
  FINISHED
}
