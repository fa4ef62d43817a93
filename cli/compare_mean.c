/* cli/compare_mean.c: one report standing for a run repeated over seeds.
 *
 * 'vhsim compare --seeds' runs each column once per seed and shows the
 * mean, the way 'vhsim sweep' summarizes its seeds, so the table, the CSV
 * and the JSON are all read from one report per column as without
 * --seeds.  Reports of one scenario differ between seeds only in their
 * numbers and in the keys an object lists: a drop reason that happened
 * under one seed and not another is a count of zero in the other. */
#include "cli/compare.h"

#include <stdbool.h>
#include <stdlib.h>

#include "sim/xmalloc.h"

static cJSON *mean_of(const cJSON **items, size_t n);

/* A number: the mean over the runs.  A key a run's object lacks counts 0
 * there (a count that did not happen); a null is a figure not measured
 * (a latency with nothing delivered) and is left out.  All null: null. */
static cJSON *
mean_number(const cJSON **items, size_t n)
{
    double sum = 0;
    size_t measured = 0;
    for (size_t i = 0; i < n; i++) {
        if (!items[i]) {
            measured++;
        } else if (cJSON_IsNumber(items[i])) {
            sum += items[i]->valuedouble;
            measured++;
        }
    }
    return measured ? cJSON_CreateNumber(sum / (double) measured)
                    : cJSON_CreateNull();
}

/* An object: its keys in the order the first run that has each gives
 * them. */
static cJSON *
mean_object(const cJSON **items, size_t n)
{
    cJSON *out = cJSON_CreateObject();
    const cJSON **kids = vh_xcalloc(n, sizeof *kids);
    for (size_t i = 0; i < n; i++) {
        for (const cJSON *c = items[i] ? items[i]->child : NULL; c;
             c = c->next) {
            if (cJSON_GetObjectItemCaseSensitive(out, c->string)) {
                continue;
            }
            for (size_t k = 0; k < n; k++) {
                kids[k] = items[k] ? cJSON_GetObjectItemCaseSensitive(
                                         items[k], c->string) : NULL;
            }
            cJSON_AddItemToObject(out, c->string, mean_of(kids, n));
        }
    }
    free(kids);
    return out;
}

/* An array: element by element (the flows, hosts and cores of one
 * scenario come in the same order under every seed). */
static cJSON *
mean_array(const cJSON **items, size_t n)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON **kids = vh_xcalloc(n, sizeof *kids);
    for (int e = 0;; e++) {
        bool any = false;
        for (size_t k = 0; k < n; k++) {
            kids[k] = items[k] ? cJSON_GetArrayItem(items[k], e) : NULL;
            any |= kids[k] != NULL;
        }
        if (!any) {
            break;
        }
        cJSON_AddItemToArray(out, mean_of(kids, n));
    }
    free(kids);
    return out;
}

/* The first run that has the item says what kind it is; strings and
 * booleans are taken from it. */
static cJSON *
mean_of(const cJSON **items, size_t n)
{
    const cJSON *first = NULL;
    bool number = false;
    for (size_t i = 0; i < n; i++) {
        if (items[i] && !first) {
            first = items[i];
        }
        number |= items[i] && cJSON_IsNumber(items[i]);
    }
    if (number) {
        return mean_number(items, n);
    } else if (cJSON_IsObject(first)) {
        return mean_object(items, n);
    } else if (cJSON_IsArray(first)) {
        return mean_array(items, n);
    }
    return cJSON_Duplicate(first, true);
}

cJSON *
compare_mean(cJSON *const *reports, size_t n)
{
    const cJSON **items = vh_xcalloc(n, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        items[i] = reports[i];
    }
    cJSON *out = mean_of(items, n);
    free(items);
    return out;
}
