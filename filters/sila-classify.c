/*
 * sila-classify - the last filter: findings in, the report out.
 *
 * Applies the policy (patterns/policy.conf) to each record from sila-scan
 * and writes one JSON line per file and archive member, in the output
 * contract's order (README, "Output"): the KLASSA level and its label, the
 * tags, the findings, the warnings including the leak warning, and the
 * trace. A container's level is at least its members' highest.
 *
 * Exit status: 0 nothing at or above the failing level, 1 something at or
 * above it, 2 an error or an input that could not be scanned.
 *
 * Usage:   sila-classify [options] < records > report.jsonl
 * Example: sila-unpack share/ | sila-extract | sila-scan | sila-classify
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cli.h"
#include "policy.h"
#include "record.h"
#include "rules.h"
#include "status.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] < records\n"
		"Apply the classification policy and write one JSON line per file.\n"
		"\n"
		"      --rules DIR        rule set and policy.conf to use\n"
		"      --policy FILE      another policy file\n"
		"      --fail-level N     exit 1 when a result is at level N or above\n"
		"                         (default: the policy's, 2)\n"
		"  -h, --help             show this help\n"
		"      --version          show the version\n",
		sila_prog());
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "fail-level", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char obuf[1 << 16];
	const char *rules_dir, *policy_path = NULL;
	char err[1024], path[4096];
	int c, st, fail_level = -1, hit = 0, bad = 0, ret;
	struct sila_rules *rules;
	struct sila_policy *policy;
	struct sila_classifier *cl;
	struct sila_record rec;

	sila_cli_init(argv[0]);
	rules_dir = NULL;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rules_dir = optarg; break;
		case 'p': policy_path = optarg; break;
		case 'f':
			if (optarg[0] < '0' || optarg[0] > '5' || optarg[1])
				sila_die("invalid level '%s' (use 0 to 5)", optarg);
			fail_level = optarg[0] - '0';
			break;
		case 'h': usage(stdout); return 0;
		case 'V': sila_print_version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	rules_dir = sila_rules_dir(rules_dir);
	rules = sila_rules_load(rules_dir, err, sizeof(err));
	if (!rules)
		sila_die("%s", err);
	if (!policy_path) {
		snprintf(path, sizeof(path), "%s/policy.conf", rules_dir);
		policy_path = path;
	}
	policy = sila_policy_load(policy_path, err, sizeof(err));
	if (!policy)
		sila_die("%s", err);
	if (fail_level < 0)
		fail_level = policy->fail_level;
	cl = sila_classifier_new(policy, rules);
	if (!cl)
		sila_die("out of memory");
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	sila_record_init(&rec, 0);
	while ((st = sila_record_read(stdin, &rec)) == SILA_OK) {
		json_t *out = sila_classify(cl, rec.hdr);
		const char *status;

		if (!out)
			sila_die("out of memory");
		status = json_string_value(json_object_get(out, "status"));
		if (strcmp(status, "error") == 0 || strcmp(status, "unscannable") == 0)
			bad = 1;
		if (json_integer_value(json_object_get(out, "level")) >= fail_level)
			hit = 1;
		st = sila_record_write(stdout, out, NULL, 0);
		json_decref(out);
		if (st != SILA_OK)
			break;
	}
	if (st == SILA_FATAL) {
		sila_error("%s", rec.err);
		bad = 1;
	}
	sila_record_release(&rec);
	sila_classifier_free(cl);
	sila_policy_free(policy);
	sila_rules_free(rules);
	ret = sila_close_stdout();
	if (ret || bad)
		return 2;
	return hit ? 1 : 0;
}
