package io.shcr.sources;

import java.util.List;

/**
 * A batch response split into its parts: one per query of the batch, in order, each the answer to that
 * query (read as if it had been asked alone) or why that query has none; or a failure of the whole.
 */
public record BatchAnswer(List<CallResult<SourceHttpResponse>> parts, SourceFailure failure) {

  public BatchAnswer {
    parts = List.copyOf(parts);
  }

  public static BatchAnswer failed(SourceFailure failure) {
    return new BatchAnswer(List.of(), failure);
  }
}
