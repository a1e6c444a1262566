/* stoopctl.c -- the administrator's command line: validate flows before a
 * restart, and read or change cases and sessions directly in the store file
 * (SQLite in WAL mode, so this works while stoopd runs).
 *
 * It owns no logic of its own: validation is flow_set_load*() (flow/),
 * cases, sessions, callbacks and announcements are store/store.h, and every table it prints is made
 * by core/console.c, the same text stoopd's telnet console shows; the
 * report's figures are store/report.c's, rendered by report/ (the same
 * code as the dashboard).  Output
 * is deterministic (no colours, no timestamps in logs) so tests and scripts
 * can compare it.
 *
 * Exit status: 0 done, 1 invalid flows / no such case / store error,
 * 2 usage error.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/application.h>

#include "core/console.h"
#include "core/logging.h"
#include "flow/flow.h"
#include "store/store.h"
#include "store/report.h"
#include "report/report.h"
#include "sms/sms.h"

#define EXIT_INVALID	1
#define EXIT_USAGE	2

static struct {
	void *ctx;
	const char *db_path;
	const char *datadir;
} ctl;

static void print_help(FILE *out)
{
	fprintf(out,
		"Usage: stoopctl [-d DB] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  check [DIR | FILE.flow...] [--prompts DIR]\n"
		"                      validate flows (default: the flows directory); prompts\n"
		"                      from --prompts, else a prompts/ next to the flows,\n"
		"                      else the installed prompts\n"
		"  cases [--status S] [--limit N]\n"
		"                      cases, newest first (S: open, in-progress, closed)\n"
		"  case ID             one case: fields, history, followers\n"
		"  set-status ID STATUS [NOTE...]\n"
		"                      change a case's status, with a note for its history\n"
		"  new-case SERVICE LOCATION [--description TEXT] [--phone NUMBER] [--lang L]\n"
		"                      file a case by hand (channel \"console\")\n"
		"  sessions            conversations in progress\n"
		"  report [--since 7d] [--csv]\n"
		"                      volumes, containment, drop-off, callbacks, time to file,\n"
		"                      SMS cost, for the time since (s, m, h, d; default 7d)\n"
		"  dashboard           the supervisor's dashboard page (HTML) on stdout\n"
		"  callbacks [--masked]\n"
		"                      open callback requests, oldest first, with the number\n"
		"                      to call (masked with --masked), window, language,\n"
		"                      overflow reason, reason and flow path\n"
		"  callback ID done|failed [NOTE...]\n"
		"                      record the call back in the case's history (closes it)\n"
		"  announcements       announcements: which is on, case, languages\n"
		"  announcement NAME   one announcement with its texts and on/off history\n"
		"  announcement NAME text LANG TEXT... | audio LANG WAV | case ID | on | off\n"
		"                      set an announcement's text (SMS) or recording (calls)\n"
		"                      per language, the case \"press 1\" follows, or turn it\n"
		"                      on or off; a running stoopd sees it at the next session\n"
		"\n"
		"Options:\n"
		"  -d, --db FILE       the store (default: $STOOP_DB, else %s/stoop.db)\n"
		"  -V, --version       print the version\n"
		"  -h, --help          print this text\n"
		"\n"
		"STOOP_DATADIR (default %s) holds flows/ and prompts/.\n"
		"Exit status: 0 done, 1 invalid flows or no such case, 2 usage error.\n",
		STOOP_STATEDIR, STOOP_DATADIR);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "stoopctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'stoopctl --help'.\n");
	return EXIT_USAGE;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory part of path ("." when there is none). */
static char *dir_of(void *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return talloc_strdup(ctx, ".");
	if (slash == path)
		return talloc_strdup(ctx, "/");
	return talloc_strndup(ctx, path, slash - path);
}

/*
 * check
 */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Append every *.flow of dir, sorted, to the talloc array *paths. */
static int add_dir_flows(void *ctx, const char *dir, const char ***paths, unsigned *n)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	unsigned first = *n;

	if (!d) {
		printf("%s: cannot read directory: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".flow"))
			continue;
		*paths = talloc_realloc(ctx, *paths, const char *, *n + 1);
		(*paths)[(*n)++] = talloc_asprintf(ctx, "%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(*paths + first, *n - first, sizeof(**paths), cmp_str);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "prompts", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	void *tmp = talloc_new(ctl.ctx);
	const char *prompts = NULL, *base, *only_dir = NULL;
	const char **paths = NULL;
	unsigned n_paths = 0;
	struct flow_set *fs = NULL;
	int c, i, errors;

	optind = 0;
	while ((c = getopt_long(argc, argv, "p:", lo, NULL)) != -1) {
		if (c != 'p')
			return EXIT_USAGE;
		prompts = optarg;
	}

	/* What to check: one directory is loaded as stoopd loads it; files
	 * (and directories among them) as a list of files. */
	if (optind == argc)
		only_dir = talloc_asprintf(tmp, "%s/flows", ctl.datadir);
	else if (optind == argc - 1 && is_dir(argv[optind]))
		only_dir = argv[optind];
	if (only_dir) {
		base = only_dir;
	} else {
		base = dir_of(tmp, argv[optind]);
		for (i = optind; i < argc; i++) {
			if (is_dir(argv[i])) {
				if (add_dir_flows(tmp, argv[i], &paths, &n_paths) < 0) {
					talloc_free(tmp);
					printf("1 errors\n");
					return EXIT_INVALID;
				}
				continue;
			}
			paths = talloc_realloc(tmp, paths, const char *, n_paths + 1);
			paths[n_paths++] = argv[i];
		}
	}

	/* Prompts: --prompts, else prompts/ beside the flows directory, else
	 * the installed ones. */
	if (!prompts) {
		char *sibling = talloc_asprintf(tmp, "%s/../prompts", base);
		char *installed = talloc_asprintf(tmp, "%s/prompts", ctl.datadir);
		if (is_dir(sibling))
			prompts = sibling;
		else if (only_dir || is_dir(installed))
			prompts = installed;
	}

	fflush(stdout);
	if (only_dir) {
		struct flow_load_opts opts = {
			.flows_dir = only_dir,
			.prompts_dir = prompts,
		};
		errors = flow_set_load(tmp, &opts, &fs, stdout);
	} else {
		errors = flow_set_load_files(tmp, paths, n_paths, prompts, NULL, &fs, stdout);
	}
	fflush(stdout);
	if (errors != 0 || !fs) {
		printf("%d errors\n", errors > 0 ? errors : 1);
		talloc_free(tmp);
		return EXIT_INVALID;
	}
	printf("flows OK: %u flows, %u states\n", flow_set_n_flows(fs), flow_set_n_states(fs));
	talloc_free(tmp);
	return 0;
}

/*
 * The store
 */

static struct store *open_store(bool create)
{
	struct store *st;

	if (!create && strcmp(ctl.db_path, ":memory:") && access(ctl.db_path, F_OK) != 0) {
		fprintf(stderr, "stoopctl: no store at %s (use -d FILE or STOOP_DB)\n", ctl.db_path);
		return NULL;
	}
	st = store_open(ctl.ctx, ctl.db_path, STORE_SYNC_FULL);
	if (!st)
		fprintf(stderr, "stoopctl: cannot open the store %s\n", ctl.db_path);
	return st;
}

/* Parse a case number; prints why it is not one. */
static int parse_case_id(const char *text, uint64_t *id)
{
	int rc = case_id_parse(text, id);

	if (rc < 0)
		fprintf(stderr, "stoopctl: %s: %s\n", console_case_error(rc), text);
	return rc;
}

static int cmd_cases(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "status", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_case_filter f = { 0 };
	struct store_case **cases;
	struct store *st;
	unsigned n;
	char *end;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "s:l:", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!case_status_valid(optarg))
				return usage_error("invalid status '%s' (open, in-progress or closed)",
						   optarg);
			f.status = optarg;
			break;
		case 'l':
			f.limit = strtoul(optarg, &end, 10);
			if (*end || !*optarg || f.limit == 0)
				return usage_error("invalid limit '%s'", optarg);
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return usage_error("cases: unexpected argument '%s'", argv[optind]);
	st = open_store(false);
	if (!st)
		return EXIT_INVALID;
	rc = store_case_list(st, ctl.ctx, &f, &cases, &n);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: %s\n", console_case_error(rc));
		store_close(st);
		return EXIT_INVALID;
	}
	fputs(console_cases_table(ctl.ctx, cases, n), stdout);
	store_close(st);
	return 0;
}

static int cmd_case(int argc, char **argv)
{
	struct store *st;
	uint64_t id;
	char *text;
	int rc;

	if (argc != 2)
		return usage_error("%s", "usage: case ID");
	if (parse_case_id(argv[1], &id) < 0)
		return EXIT_INVALID;
	st = open_store(false);
	if (!st)
		return EXIT_INVALID;
	rc = console_case_detail(ctl.ctx, st, id, &text);
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: %s: %" PRIu64 "\n", console_case_error(rc), id);
		return EXIT_INVALID;
	}
	fputs(text, stdout);
	return 0;
}

static int cmd_set_status(int argc, char **argv)
{
	struct store_case *c;
	struct store *st;
	struct flow_set *fs = NULL;
	char *note = NULL;
	uint64_t id;
	int i, rc, queued = 0;

	if (argc < 3)
		return usage_error("%s", "usage: set-status ID STATUS [NOTE...]");
	if (!case_status_valid(argv[2]))
		return usage_error("invalid status '%s' (open, in-progress or closed)", argv[2]);
	for (i = 3; i < argc; i++)
		note = note ? talloc_asprintf_append(note, " %s", argv[i])
			    : talloc_strdup(ctl.ctx, argv[i]);
	if (parse_case_id(argv[1], &id) < 0)
		return EXIT_INVALID;
	/* the followers' texts need the catalogs: the installed flows and
	 * prompts (or $STOOP_DATADIR's) */
	{
		struct flow_load_opts lo = {
			.flows_dir = talloc_asprintf(ctl.ctx, "%s/flows", ctl.datadir),
			.prompts_dir = talloc_asprintf(ctl.ctx, "%s/prompts", ctl.datadir),
		};
		if (flow_set_load(ctl.ctx, &lo, &fs, stderr)) {
			fprintf(stderr, "stoopctl: cannot load the flows and catalogs of %s: "
				"followers could not be told\n", ctl.datadir);
			return EXIT_INVALID;
		}
	}
	st = open_store(false);
	if (!st)
		return EXIT_INVALID;
	rc = store_case_get(st, ctl.ctx, id, &c);
	if (rc == 0)
		rc = store_begin(st);
	if (rc == 0) {
		rc = store_case_set_status(st, id, argv[2], note, "stoopctl");
		if (rc == 0 && strcmp(c->status, argv[2]))
			rc = queued = sms_case_status_notify(st, fs, id, argv[2]);
		if (rc >= 0)
			rc = store_commit(st);
		else
			store_rollback(st);
	}
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: %s: %" PRIu64 "\n", console_case_error(rc), id);
		return EXIT_INVALID;
	}
	printf("case %" PRIu64 ": %s -> %s\n", id, c->status, argv[2]);
	if (queued)
		printf("%d follower text(s) queued; stoopd sends them\n", queued);
	return 0;
}

static int cmd_new_case(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "description", required_argument, NULL, 'D' },
		{ "phone", required_argument, NULL, 'p' },
		{ "lang", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_case_new req = {
		.channel = "console",
		.lang = "en",
		.flow_path = "stoopctl",
	};
	struct store_case *c;
	struct store *st;
	bool joined = false;
	int opt, rc;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "D:p:L:", lo, NULL)) != -1) {
		switch (opt) {
		case 'D':
			req.description = optarg;
			break;
		case 'p':
			req.phone = optarg;
			break;
		case 'L':
			req.lang = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return usage_error("%s", "usage: new-case SERVICE LOCATION [--description TEXT] "
				   "[--phone NUMBER] [--lang L]");
	req.service_code = argv[optind];
	req.location = argv[optind + 1];
	st = open_store(true);
	if (!st)
		return EXIT_INVALID;
	rc = store_case_create(st, ctl.ctx, &req, &c, &joined);
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: %s\n", console_case_error(rc));
		return EXIT_INVALID;
	}
	printf("case %" PRIu64 " %s\n", c->id, joined ? "joined (same service and location)"
						    : "filed");
	return 0;
}

static int cmd_sessions(int argc, char **argv)
{
	struct store_session *s;
	struct store *st;
	unsigned n;
	int rc;

	if (argc != 1)
		return usage_error("sessions: unexpected argument '%s'", argv[1]);
	st = open_store(false);
	if (!st)
		return EXIT_INVALID;
	rc = store_session_list(st, ctl.ctx, 1000, &s, &n);
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: %s\n", console_case_error(rc));
		return EXIT_INVALID;
	}
	fputs(console_sessions_table(ctl.ctx, s, n, store_now()), stdout);
	return 0;
}

/*
 * Callbacks and announcements (the contact center)
 */

static int cmd_callbacks(int argc, char **argv)
{
	struct store_case_filter f = {
		.kind = CASE_KIND_CALLBACK, .status = CASE_STATUS_OPEN, .oldest_first = true,
		.limit = 1000,
	};
	struct store_case **cases;
	struct store *st;
	bool masked = false;
	unsigned n;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "--masked"))
		masked = true;
	else if (argc != 1)
		return usage_error("%s", "usage: callbacks [--masked]");
	st = open_store(false);
	if (!st)
		return EXIT_INVALID;
	rc = store_case_list(st, ctl.ctx, &f, &cases, &n);
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: %s\n", console_case_error(rc));
		return EXIT_INVALID;
	}
	fputs(console_callbacks_table(ctl.ctx, cases, n, store_now(), !masked), stdout);
	return 0;
}

static int cmd_callback(int argc, char **argv)
{
	struct store *st;
	char *note = NULL;
	uint64_t id;
	int i, rc;

	if (argc < 3 || (strcmp(argv[2], "done") && strcmp(argv[2], "failed")))
		return usage_error("%s", "usage: callback ID done|failed [NOTE...]");
	for (i = 3; i < argc; i++)
		note = note ? talloc_asprintf_append(note, " %s", argv[i])
			    : talloc_strdup(ctl.ctx, argv[i]);
	if (parse_case_id(argv[1], &id) < 0)
		return EXIT_INVALID;
	st = open_store(false);
	if (!st)
		return EXIT_INVALID;
	rc = store_callback_mark(st, id, !strcmp(argv[2], "done"), note, "stoopctl");
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: %s: %" PRIu64 "\n", console_callback_error(rc), id);
		return EXIT_INVALID;
	}
	printf("callback %" PRIu64 ": %s\n", id, argv[2]);
	return 0;
}

static int cmd_announcements(int argc, char **argv)
{
	struct store_announcement **a;
	struct store *st;
	unsigned n;
	int rc;

	if (argc != 1)
		return usage_error("announcements: unexpected argument '%s'", argv[1]);
	st = open_store(false);
	if (!st)
		return EXIT_INVALID;
	rc = store_announcement_list(st, ctl.ctx, &a, &n);
	if (rc == 0)
		fputs(console_announcements_table(ctl.ctx, a, n), stdout);
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: %s\n", console_announcement_error(rc));
		return EXIT_INVALID;
	}
	return 0;
}

static int cmd_announcement(int argc, char **argv)
{
	const char *name, *what, *done = NULL;
	struct store *st;
	char *text = NULL;
	uint64_t id;
	int i, rc;

	if (argc < 2)
		return usage_error("%s", "usage: announcement NAME [text LANG TEXT... | audio LANG WAV"
				   " | case ID | on | off]");
	name = argv[1];
	what = argc > 2 ? argv[2] : NULL;
	if (what && !((!strcmp(what, "text") && argc >= 5) || (!strcmp(what, "audio") && argc == 5)
		      || (!strcmp(what, "case") && argc == 4)
		      || ((!strcmp(what, "on") || !strcmp(what, "off")) && argc == 3)))
		return usage_error("%s", "usage: announcement NAME [text LANG TEXT... | audio LANG WAV"
				   " | case ID | on | off]");
	if (what && !strcmp(what, "case") && parse_case_id(argv[3], &id) < 0)
		return EXIT_INVALID;
	st = open_store(!!what);
	if (!st)
		return EXIT_INVALID;
	if (!what) {
		rc = console_announcement_detail(ctl.ctx, st, name, &text);
		if (rc == 0)
			fputs(text, stdout);
	} else if (!strcmp(what, "text")) {
		for (i = 4; i < argc; i++)
			text = text ? talloc_asprintf_append(text, " %s", argv[i])
				    : talloc_strdup(ctl.ctx, argv[i]);
		rc = store_announcement_set(st, name, argv[3], text, NULL);
		done = "text set";
	} else if (!strcmp(what, "audio")) {
		rc = store_announcement_set(st, name, argv[3], NULL, argv[4]);
		done = "recording set";
	} else if (!strcmp(what, "case")) {
		rc = store_announcement_set_case(st, name, id);
		done = "case set";
	} else {
		rc = store_announcement_set_active(st, name, what[1] == 'n', "stoopctl");
		done = what[1] == 'n' ? "ON from the next session" : "off";
	}
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: announcement %s: %s\n", name, console_announcement_error(rc));
		return EXIT_INVALID;
	}
	if (done)
		printf("announcement %s: %s\n", name, done);
	return 0;
}

/* "7d", "36h", "90m", "600s" or plain seconds, at most 10 years. */
static int parse_since(const char *s, int64_t *secs)
{
	char *end;
	unsigned long long v;
	int64_t unit = 1;

	if (!*s || *s == '-')
		return -EINVAL;
	v = strtoull(s, &end, 10);
	if (end == s)
		return -EINVAL;
	switch (*end) {
	case 'd': unit = 86400; end++; break;
	case 'h': unit = 3600; end++; break;
	case 'm': unit = 60; end++; break;
	case 's': end++; break;
	case '\0': break;
	default: return -EINVAL;
	}
	if (*end || v == 0 || v > 3650ULL * 86400 / unit)
		return -EINVAL;
	*secs = (int64_t)v * unit;
	return 0;
}

/* The report's "now": the clock, or STOOP_NOW (unix seconds) so tests and
 * reruns of an old report give the same figures. */
static int64_t report_now(void)
{
	const char *env = getenv("STOOP_NOW");

	return env && *env ? strtoll(env, NULL, 10) : store_now();
}

static int cmd_report(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "since", required_argument, NULL, 's' },
		{ "csv", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_report *r;
	struct store *st;
	int64_t since = 7 * 86400, now;
	bool csv = false;
	char *text;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "s:c", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_since(optarg, &since) < 0)
				return usage_error("invalid --since '%s' (e.g. 7d, 24h, 90m)", optarg);
			break;
		case 'c':
			csv = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return usage_error("report: unexpected argument '%s'", argv[optind]);
	st = open_store(false);
	if (!st)
		return EXIT_INVALID;
	now = report_now();
	rc = store_report(st, ctl.ctx, now, now - since, &r);
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "stoopctl: %s\n", console_case_error(rc));
		return EXIT_INVALID;
	}
	text = csv ? stoop_report_csv(ctl.ctx, r) : stoop_report_text(ctl.ctx, r);
	if (!text)
		return EXIT_INVALID;
	fputs(text, stdout);
	return 0;
}

static int cmd_dashboard(int argc, char **argv)
{
	struct store *st;
	char *html;

	if (argc != 1)
		return usage_error("dashboard: unexpected argument '%s'", argv[1]);
	st = open_store(false);
	if (!st)
		return EXIT_INVALID;
	html = stoop_dashboard_html(ctl.ctx, st, (time_t)report_now());
	store_close(st);
	if (!html) {
		fprintf(stderr, "stoopctl: cannot read the store for the dashboard\n");
		return EXIT_INVALID;
	}
	fputs(html, stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "check", cmd_check },
	{ "cases", cmd_cases },
	{ "case", cmd_case },
	{ "set-status", cmd_set_status },
	{ "new-case", cmd_new_case },
	{ "sessions", cmd_sessions },
	{ "report", cmd_report },
	{ "dashboard", cmd_dashboard },
	{ "callbacks", cmd_callbacks },
	{ "callback", cmd_callback },
	{ "announcements", cmd_announcements },
	{ "announcement", cmd_announcement },
};

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *env;
	unsigned i;
	int c, rc = -1;

	env = getenv("STOOP_DB");
	ctl.db_path = env && *env ? env : STOOP_STATEDIR "/stoop.db";
	env = getenv("STOOP_DATADIR");
	ctl.datadir = env && *env ? env : STOOP_DATADIR;

	/* "+": options end at the command; the command parses its own. */
	while ((c = getopt_long(argc, argv, "+d:Vh", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			ctl.db_path = optarg;
			break;
		case 'V':
			printf("stoopctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'stoopctl --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	ctl.ctx = talloc_named_const(NULL, 0, "stoopctl");

	/* Store and flow loader log through libosmocore; only errors, no
	 * timestamps or colours, so the output stays the same run to run. */
	if (stoop_log_init(ctl.ctx, true) < 0) {
		fprintf(stderr, "stoopctl: cannot initialise logging\n");
		return EXIT_INVALID;
	}
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		rc = commands[i].run(argc - optind, argv + optind);
		break;
	}
	if (rc < 0)
		rc = usage_error("unknown command '%s'", argv[optind]);
	log_fini();
	talloc_free(ctl.ctx);
	return rc;
}
