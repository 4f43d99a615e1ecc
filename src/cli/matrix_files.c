/* SPDX-License-Identifier: MIT */
/* The matrix's rows: files and directories of .pts files, each parsed. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/matrix.h"

static char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t len = strlen(base);

	if (len > 4 && !strcmp(base + len - 4, ".pts"))
		len -= 4;
	return strndup(base, len);
}

/* The text of the first line when it is a comment ("# Title"), else the
 * file's base name. Leading blank lines do not count. */
static char *title_of(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	const char *slash = strrchr(path, '/');

	while (f && fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");
		size_t len;

		if (*s == '\n' || *s == '\r' || !*s)
			continue;
		if (*s != '#')
			break;
		s += strspn(s, "# \t");
		len = strcspn(s, "\r\n");
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (!len)
			break;
		fclose(f);
		return strndup(s, len);
	}
	if (f)
		fclose(f);
	return strdup(slash ? slash + 1 : path);
}

static int add_file(struct matrix *m, const char *path)
{
	struct matrix_row *row;
	char err[512];

	if (m->nrows == m->capacity) {
		size_t cap = m->capacity ? 2 * m->capacity : 64;
		struct matrix_row *rows = realloc(m->rows, cap * sizeof(*rows));

		if (!rows)
			return usage_error("matrix: out of memory");
		m->rows = rows;
		m->capacity = cap;
	}
	row = &m->rows[m->nrows];
	memset(row, 0, sizeof(*row));
	if (scn_parse_file(path, &row->program, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	m->nrows++;
	row->file = strdup(path);
	row->name = base_name(path);
	row->title = title_of(path);
	if (!row->file || !row->name || !row->title)
		return usage_error("matrix: out of memory");
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory means its *.pts files, sorted by name, not its subdirectories. */
static int add_dir(struct matrix *m, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d)
		return usage_error("matrix: cannot read directory %s", dir);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len <= 4 || strcmp(e->d_name + len - 4, ".pts"))
			continue;
		if (n == cap) {
			char **more = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*more));

			if (!more) {
				rc = usage_error("matrix: out of memory");
				break;
			}
			names = more;
		}
		if (!(names[n] = malloc(strlen(dir) + len + 2))) {
			rc = usage_error("matrix: out of memory");
			break;
		}
		sprintf(names[n++], "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
	}
	closedir(d);
	if (!rc && !n)
		rc = usage_error("matrix: %s has no .pts files", dir);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (!rc && stat(names[i], &st) == 0 && S_ISDIR(st.st_mode))
			; /* a directory named *.pts is no scenario */
		else if (!rc)
			rc = add_file(m, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

int matrix_add_path(struct matrix *m, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return add_dir(m, path);
	return add_file(m, path);
}

void matrix_free(struct matrix *m)
{
	for (size_t i = 0; i < m->nrows; i++) {
		scn_program_free(m->rows[i].program);
		free(m->rows[i].file);
		free(m->rows[i].name);
		free(m->rows[i].title);
		free(m->rows[i].cells);
	}
	free(m->rows);
	layouts_free(&m->layouts);
	memset(m, 0, sizeof(*m));
}
