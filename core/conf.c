/*
 * conf.c - the line reader of sila's "key = value" files; see conf.h.
 */
#include <ctype.h>
#include <string.h>

#include "conf.h"

char *sila_conf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

void sila_conf_init(struct sila_conf *c, char *text)
{
	c->next = text;
	c->line = 0;
	c->key = c->val = NULL;
}

enum sila_conf_kind sila_conf_next(struct sila_conf *c)
{
	while (c->next) {
		char *line = c->next, *key, *end, *eq;

		c->next = strchr(line, '\n');
		if (c->next)
			*c->next++ = '\0';
		c->line++;
		key = sila_conf_trim(line);
		c->key = key;
		c->val = NULL;
		if (!*key || *key == '#')
			continue;
		if (*key == '[') {
			end = strchr(key, ']');
			if (!end || end[1])
				return SILA_KV_BAD_SECTION;
			*end = '\0';
			c->key = key + 1;
			return SILA_KV_SECTION;
		}
		if (!(eq = strchr(key, '=')))
			return SILA_KV_NO_EQUALS;
		*eq = '\0';
		c->val = sila_conf_trim(eq + 1);
		c->key = sila_conf_trim(key);
		return SILA_KV_PAIR;
	}
	return SILA_KV_END;
}
