package io.shcr.simulator;

import java.util.List;

/**
 * A locality of the region: the practices people there are registered at and the services that look
 * after them, so each synthetic history sits where it would really be held.
 *
 * @param name the locality's name
 * @param practices ODS codes of its GP practices
 * @param acute its acute hospital trust
 * @param hospice its adult hospice
 * @param childrensHospice its children's hospice (null when none)
 * @param council its local authority for adult social care (null when none takes part)
 * @param drugService its drug and alcohol service
 * @param careHome a residential care home there (null when none takes part)
 */
public record Area(
    String name,
    List<String> practices,
    String acute,
    String hospice,
    String childrensHospice,
    String council,
    String drugService,
    String careHome) {}
