package io.shcr.audit;

import java.util.List;
import java.util.Map;

/**
 * One page of access records and how many match in all.
 *
 * @param total matching access records in the whole trail
 * @param entries this page's access records, newest first
 * @param outcomes the outcome record of each access on the page that has one, by access sequence
 */
public record AuditPage(long total, List<AuditEntry> entries, Map<Long, AuditEntry> outcomes) {}
