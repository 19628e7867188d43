/*
 * marking.h - validators for confidentiality and classification markings.
 *
 * A marking marks a document only where it stands as a marking: a stamp
 * or heading line, or a formal citation of the law. A sentence that talks
 * about "sekretess" marks nothing. These validators need the start of the
 * match, which the rule gets from Hyperscan (flag S): out->start holds it
 * on entry.
 */
#ifndef SILA_MARKING_H
#define SILA_MARKING_H

#include "validate.h"

/* The marking validators, ending with a {NULL, NULL} entry. */
extern const struct sila_validator sila_marking_validators[];

#endif
