/* SPDX-License-Identifier: MIT */
/*
 * Writing CSV (RFC 4180): a field is quoted only when it must be (a comma,
 * a quote, a line break, or spaces at either end, which readers such as
 * civic311's own would trim), quotes inside are doubled, records end with
 * LF.
 */
#ifndef CIVIC311_CSVOUT_H
#define CIVIC311_CSVOUT_H

#include <stdbool.h>
#include <stdio.h>

/* Writes s (NULL is empty) and a comma, or a newline when last is set. */
void csvout_field(FILE *f, const char *s, bool last);

/* Writes n fields as one record. */
void csvout_record(FILE *f, const char *const *fields, size_t n);

#endif
