package io.shcr.audit;

/** Proof that an access record was written: its sequence number and the request it belongs to. */
public record AuditReceipt(long sequence, String requestId) {}
