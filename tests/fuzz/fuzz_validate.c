/*
 * fuzz_validate.c - fuzzes the identity-number validators (validate.c):
 * every validator in the registry at every end offset of the input, and
 * the whole-string parsers on the whole input. A validator's answer must
 * lie inside the text and end where it was asked to.
 */
#include <string.h>

#include "fuzz.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct sila_vctx ctx = { { 2025, 6, 1 }, 1 };
	struct sila_pnr pnr;

	for (const struct sila_validator *v = sila_validators; v->name; v++) {
		for (size_t end = 0; end <= size; end++) {
			struct sila_id id;

			memset(&id, 0, sizeof(id));
			if (!v->fn(s, size, end, &ctx, &id))
				continue;
			if (id.start > id.end || id.end > size ||
			    !memchr(id.canon, '\0', sizeof(id.canon)) ||
			    !memchr(id.masked, '\0', sizeof(id.masked))) {
				fprintf(stderr, "invariant: validator %s gave span %zu..%zu of %zu\n",
					v->name, id.start, id.end, size);
				abort();
			}
			fuzz_touch(s + id.start, id.end - id.start);
		}
	}
	(void)sila_pnr_parse(s, size, &ctx.today, 1, &pnr);
	(void)sila_pnr_parse(s, size, &ctx.today, 0, &pnr);
	(void)sila_orgnr_valid(s, size);
	(void)sila_no_fnr_valid(s, size);
	(void)sila_dk_cpr_valid(s, size);
	(void)sila_fi_hetu_valid(s, size);
	(void)sila_card_valid(s, size);
	(void)sila_iban_valid(s, size);
	(void)sila_luhn_ok(s, size);
	return 0;
}
