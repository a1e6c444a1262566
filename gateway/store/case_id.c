/* case_id.c -- keypad-friendly case ids: a decimal base number followed by
 * one Damm check digit.  Damm's algorithm walks the digits through a totally
 * anti-symmetric quasigroup of order 10; the string with its check digit
 * appended walks back to 0, and every single-digit substitution and every
 * transposition of two adjacent digits leaves it elsewhere.  Unlike Luhn it
 * needs no weights and catches 09 <-> 90 as well.
 *
 * The store allocates bases (store/case.c), this file only computes and
 * checks digits; how ids are read to a caller is the flow's business.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

/* Damm's quasigroup: row is the interim digit, column the next digit. */
static const uint8_t damm_table[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

#define CASE_ID_MIN_DIGITS	3
#define CASE_ID_MAX_DIGITS	18

int case_id_damm(const char *digits)
{
	unsigned interim = 0;
	const char *p;

	if (!digits || !*digits)
		return -EINVAL;
	for (p = digits; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		interim = damm_table[interim][*p - '0'];
	}
	return interim;
}

int case_id_parse(const char *text, uint64_t *id)
{
	char digits[CASE_ID_MAX_DIGITS + 1];
	size_t n = 0;
	const char *p;
	uint64_t val = 0;

	if (!text)
		return -EINVAL;
	for (p = text; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '\t' || *p == '.' || *p == '#')
			continue;
		if (*p < '0' || *p > '9' || n == CASE_ID_MAX_DIGITS)
			return -EINVAL;
		digits[n++] = *p;
		val = val * 10 + (uint64_t)(*p - '0');
	}
	digits[n] = '\0';
	if (n < CASE_ID_MIN_DIGITS)
		return -EINVAL;
	if (case_id_damm(digits) != 0)
		return -EBADMSG;
	if (id)
		*id = val;
	return 0;
}

/* Bases of more than 17 digits would give ids case_id_parse() refuses;
 * they give 0, which is no id. */
uint64_t case_id_from_base(uint64_t base)
{
	char digits[24];

	if (base >= 100000000000000000ULL)
		return 0;
	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)base);
	return base * 10 + (uint64_t)case_id_damm(digits);
}
