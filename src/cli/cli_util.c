/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ptesim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

bool parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return false;
	}
	for (; *s; s++) {
		unsigned d;

		if (*s == '_')
			continue; /* 0x0068_0000_0000_0fc3 reads better */
		if (isdigit((unsigned char)*s))
			d = (unsigned)(*s - '0');
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false; /* more than 64 bits */
		v = v * base + d;
	}
	*out = v;
	return true;
}

int layouts_add_name(struct layout_list *list, const char *name)
{
	if (!strcmp(name, "all")) {
		for (size_t i = 0; i < ptesim_layout_count(); i++)
			if (list->n < 64)
				list->items[list->n++] = ptesim_layout_builtin(i);
		return 0;
	}
	const ptesim_layout *L = ptesim_layout_find(name);

	if (!L)
		return usage_error("unknown layout '%s' (ptesim layouts lists them)", name);
	if (list->n >= 64)
		return usage_error("too many layouts");
	list->items[list->n++] = L;
	return 0;
}

int layouts_add_file(struct layout_list *list, const char *path)
{
	char err[512];
	ptesim_layout *L;

	if (list->n >= 64 || list->nowned >= 64)
		return usage_error("too many layouts");
	if (ptesim_layout_load_file(path, &L, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	list->owned[list->nowned++] = L;
	list->items[list->n++] = L;
	return 0;
}

int layouts_add_name_or_file(struct layout_list *list, const char *arg)
{
	struct stat st;

	if (ptesim_layout_find(arg) || !strcmp(arg, "all"))
		return layouts_add_name(list, arg);
	if (stat(arg, &st) == 0)
		return layouts_add_file(list, arg);
	return usage_error("'%s' is neither a layout (ptesim layouts lists them) nor a layout file", arg);
}

void layouts_free(struct layout_list *list)
{
	for (int i = 0; i < list->nowned; i++)
		ptesim_layout_free(list->owned[i]);
	list->nowned = list->n = 0;
}

int layouts_add_names(struct layout_list *list, const char *names)
{
	char buf[512], *save, *tok;

	if (strlen(names) >= sizeof(buf))
		return usage_error("layout list too long");
	strcpy(buf, names);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int rc = layouts_add_name(list, tok);

		if (rc)
			return rc;
	}
	return 0;
}

void markup_put_n(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(s[i], out);
		}
	}
}

void markup_put(FILE *out, const char *s)
{
	markup_put_n(out, s, SIZE_MAX);
}
