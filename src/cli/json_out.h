/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CLI_JSON_OUT_H
#define PTESIM_CLI_JSON_OUT_H

#include <stdint.h>
#include <stdio.h>

/* A flat JSON object on one line, written key by key. */
struct json {
	FILE *out;
	int n;
};

void json_begin(struct json *j, FILE *out);
void json_str(struct json *j, const char *key, const char *value);
void json_u64(struct json *j, const char *key, uint64_t value);
void json_hex(struct json *j, const char *key, uint64_t value);
void json_null(struct json *j, const char *key);
void json_bool(struct json *j, const char *key, int value);
/* Writes the key only; the caller writes the value (an array, an object). */
void json_key(struct json *j, const char *key);
void json_end(struct json *j);
/* A JSON string literal with escapes. */
void json_string(FILE *out, const char *s);

#endif
