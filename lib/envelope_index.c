/* SPDX-License-Identifier: ISC */
/*
 * Hash indexes of an envelope, so that finding a recipient or a
 * recipient's line costs the same with ten recipients or ten thousand
 * (issue 8, defect 6: a scan per lookup made a run quadratic).
 *
 * rcpt_index maps an address to its position in rcpts[]; line_index maps
 * (key, address) to the first line "Key: <address>..." in extra[], such
 * as the State lines of lib/queue.c.  Both are kept up to date by
 * envelope_add_rcpt and envelope_add_extra, the only ways in.  Open
 * addressing with linear probing, at most half full; each slot keeps its
 * hash, so growing never rereads the strings.  The hash is FNV-1a from a
 * per-process random basis: a sender who picks the addresses cannot
 * know which ones collide.  When memory runs out once, the index is
 * marked lost and lookups go back to scanning: slower, never wrong.
 */
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "envelope.h"

#define FNV_PRIME	16777619u

struct addr_slot {
	size_t		 pos1;	/* position + 1; 0: an empty slot */
	uint32_t	 hash;
};

/* What is looked for, and how a slot's position is checked against it. */
struct probe {
	const struct envelope	*env;
	const char		*key;	/* NULL for rcpt_index */
	const char		*addr;
	size_t			 len;
	uint32_t		 hash;
};

static uint32_t
hash_basis(void)
{
	static uint32_t	 basis;

	if (basis == 0)
		basis = arc4random() | 1;
	return basis;
}

static uint32_t
hash_bytes(uint32_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * FNV_PRIME;
	return h;
}

static uint32_t
hash_line(const char *key, const char *addr, size_t len)
{
	uint32_t	 h = hash_bytes(hash_basis(), key, strlen(key) + 1);

	return hash_bytes(h, addr, len);
}

size_t
envelope_addr_len(const char *s)
{
	const char	*p = s;

	/* A quoted local part may hold '>': skip it whole. */
	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0')
				return (size_t)-1;
			if (*p == '\\' && p[1] != '\0')
				p++;
		}
		p++;
	}
	return (size_t)(p - s) + strcspn(p, ">");
}

/* Does rcpts[pos] or extra[pos] hold what probe looks for? */
static int
matches(const struct probe *pr, size_t pos)
{
	const char	*v;

	if (pr->key == NULL) {
		v = pr->env->rcpts[pos].addr;
		return strncmp(v, pr->addr, pr->len) == 0 && v[pr->len] == '\0';
	}
	v = pr->env->extra[pos].value;
	return strcmp(pr->env->extra[pos].key, pr->key) == 0 && v[0] == '<' &&
	    strncmp(v + 1, pr->addr, pr->len) == 0 && v[pr->len + 1] == '>';
}

/* The slot holding probe's entry, or the empty one where it would go. */
static struct addr_slot *
slot_for(const struct addr_index *idx, const struct probe *pr)
{
	size_t	 mask = idx->cap - 1;

	for (size_t i = pr->hash & mask;; i = (i + 1) & mask) {
		struct addr_slot *s = &idx->slots[i];

		if (s->pos1 == 0 || (s->hash == pr->hash &&
		    matches(pr, s->pos1 - 1)))
			return s;
	}
}

static int
grow(struct addr_index *idx)
{
	size_t			 cap = idx->cap ? idx->cap * 2 : 64;
	struct addr_slot	*slots = calloc(cap, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < idx->cap; i++) {
		struct addr_slot *old = &idx->slots[i];
		size_t		  j = old->hash & (cap - 1);

		if (old->pos1 == 0)
			continue;
		while (slots[j].pos1 != 0)
			j = (j + 1) & (cap - 1);
		slots[j] = *old;
	}
	free(idx->slots);
	idx->slots = slots;
	idx->cap = cap;
	return 0;
}

/* Adds pos for probe's entry; an entry already there stays unless replace. */
static void
insert(struct addr_index *idx, const struct probe *pr, size_t pos, int replace)
{
	struct addr_slot	*s;

	if (idx->lost)
		return;
	if ((idx->used + 1) * 2 > idx->cap && grow(idx) != 0) {
		idx->lost = 1;
		return;
	}
	s = slot_for(idx, pr);
	if (s->pos1 != 0 && !replace)
		return;
	if (s->pos1 == 0)
		idx->used++;
	s->pos1 = pos + 1;
	s->hash = pr->hash;
}

static const struct addr_slot *
lookup(const struct addr_index *idx, const struct probe *pr)
{
	const struct addr_slot	*s;

	if (idx->cap == 0)
		return NULL;
	s = slot_for(idx, pr);
	return s->pos1 != 0 ? s : NULL;
}

void
envelope_index_rcpt(struct envelope *env, size_t pos)
{
	const char	*addr = env->rcpts[pos].addr;
	struct probe	 pr = { env, NULL, addr, strlen(addr), 0 };

	pr.hash = hash_bytes(hash_basis(), addr, pr.len);
	/* The last of equal To lines wins, as the scan it replaces had it. */
	insert(&env->rcpt_index, &pr, pos, 1);
}

void
envelope_index_line(struct envelope *env, size_t pos)
{
	const struct extra_line	*line = &env->extra[pos];
	struct probe		 pr = { env, line->key, line->value + 1, 0, 0 };

	if (line->value[0] != '<' ||
	    (pr.len = envelope_addr_len(pr.addr)) == (size_t)-1 ||
	    pr.addr[pr.len] != '>')
		return;		/* no address: only a scan finds it */
	pr.hash = hash_line(line->key, pr.addr, pr.len);
	insert(&env->line_index, &pr, pos, 0);	/* the first line wins */
}

void
envelope_index_free(struct envelope *env)
{
	free(env->rcpt_index.slots);
	free(env->line_index.slots);
}

struct recipient *
envelope_find_rcpt(const struct envelope *env, const char *addr, size_t len)
{
	struct probe		 pr = { env, NULL, addr, len, 0 };
	const struct addr_slot	*s;

	if (env->rcpt_index.lost) {
		for (size_t i = env->nrcpts; i-- > 0;)
			if (matches(&pr, i))
				return &env->rcpts[i];
		return NULL;
	}
	pr.hash = hash_bytes(hash_basis(), addr, len);
	s = lookup(&env->rcpt_index, &pr);
	return s ? &env->rcpts[s->pos1 - 1] : NULL;
}

struct extra_line *
envelope_find_line(const struct envelope *env, const char *key,
    const char *addr)
{
	struct probe		 pr = { env, key, addr, strlen(addr), 0 };
	const struct addr_slot	*s;

	/*
	 * A line is indexed under the address envelope_addr_len finds in
	 * it; an address that rule would cut elsewhere (a stray '>' or an
	 * open quote) can only be found by looking at every line.
	 */
	if (env->line_index.lost || envelope_addr_len(addr) != pr.len) {
		for (size_t i = 0; i < env->nextra; i++)
			if (matches(&pr, i))
				return &env->extra[i];
		return NULL;
	}
	pr.hash = hash_line(key, addr, pr.len);
	s = lookup(&env->line_index, &pr);
	return s ? &env->extra[s->pos1 - 1] : NULL;
}
