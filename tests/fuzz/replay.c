/*
 * replay.c - a main() for the fuzz harnesses when libFuzzer is not at hand
 * (gcc builds, CI without clang): runs LLVMFuzzerTestOneInput once on each
 * file named on the command line, so saved crashers can be replayed under
 * AddressSanitizer. Exits 0 when every input ran to its end.
 *
 * Usage: replay-HARNESS FILE...
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf = NULL;
		size_t len = 0, cap = 0, n;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (len == cap) {
				unsigned char *p = realloc(buf, cap = cap ? cap * 2 : 65536);

				if (!p) {
					fprintf(stderr, "%s: out of memory\n", argv[i]);
					return 2;
				}
				buf = p;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		fclose(f);
		fprintf(stderr, "replay: %s (%zu bytes)\n", argv[i], len);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return 0;
}
