/* SPDX-License-Identifier: MIT */
#include <inttypes.h>

#include "cli/json_out.h"

void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void key(struct json *j, const char *k)
{
	if (j->n++)
		fputs(", ", j->out);
	json_string(j->out, k);
	fputs(": ", j->out);
}

void json_begin(struct json *j, FILE *out)
{
	j->out = out;
	j->n = 0;
	fputc('{', out);
}

void json_str(struct json *j, const char *k, const char *value)
{
	key(j, k);
	json_string(j->out, value);
}

void json_u64(struct json *j, const char *k, uint64_t value)
{
	key(j, k);
	fprintf(j->out, "%" PRIu64, value);
}

void json_hex(struct json *j, const char *k, uint64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, value);
	json_str(j, k, buf);
}

void json_bool(struct json *j, const char *k, int value)
{
	key(j, k);
	fputs(value ? "true" : "false", j->out);
}

void json_key(struct json *j, const char *k)
{
	key(j, k);
}

void json_null(struct json *j, const char *k)
{
	key(j, k);
	fputs("null", j->out);
}

void json_end(struct json *j)
{
	fputs("}\n", j->out);
}
