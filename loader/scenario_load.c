/* loader/scenario_load.c: the loader's entry points: reads the file, parses
 * the JSON (reporting syntax errors by line and column), applies a variant,
 * loads and checks every part in order, and frees the result.
 *
 * The order matters for the messages: each object's own keys and values
 * first (scenario_hosts.c, scenario_traffic.c), then what refers across
 * objects (scenario_refs.c, scenario_paths.c), then variants, and last
 * what cannot run yet (scenario_support.c), so an unsupported feature is
 * reported only for a scenario that is otherwise right. */
#include "loader/scenario_priv.h"
#include "models/core/lesson.h"
#include "models/core/portpolicy.h"
#include "sim/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Freeing. ---- */

static void
free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i]);
    }
    free(v);
}

static void
free_host(struct cfg_host *h)
{
    for (size_t i = 0; h->nics && i < h->n_nics; i++) {
        struct cfg_nic *n = &h->nics[i];
        free(n->name);
        free(n->jpath);
        free(n->model);
        ld_free_class_priv(n->cls, n->priv);
        free(n->link);
        for (size_t k = 0; n->vlans && k < n->n_vlans; k++) {
            free(n->vlans[k].jpath);
        }
        free(n->vlans);
    }
    free(h->nics);
    for (size_t i = 0; h->bridges && i < h->n_bridges; i++) {
        struct cfg_bridge *b = &h->bridges[i];
        free(b->name);
        free(b->jpath);
        free_strv(b->ports, b->n_ports);
        free_strv(b->flows, b->n_flows);
        for (size_t k = 0; b->bports && k < b->n_bports; k++) {
            struct cfg_bport *bp = &b->bports[k];
            free(bp->name);
            free(bp->jpath);
            free(bp->trunks);
            free(bp->peer);
            free_strv(bp->members, bp->n_members);
            if (bp->qos) {
                free(bp->qos->queues);
                free(bp->qos);
            }
        }
        free(b->bports);
        for (size_t k = 0; b->mirrors && k < b->n_mirrors; k++) {
            struct cfg_mirror *m = &b->mirrors[k];
            free(m->name);
            free(m->jpath);
            free_strv(m->select_src, m->n_select_src);
            free_strv(m->select_dst, m->n_select_dst);
            free(m->select_vlan);
            free(m->output);
        }
        free(b->mirrors);
        ld_free_sflow(b->sflow);
        ld_free_flowexp(b->netflow);
        ld_free_flowexp(b->ipfix);
        ld_free_class_priv(b->cls, b->priv);
    }
    free(h->bridges);
    for (size_t i = 0; h->vms && i < h->n_vms; i++) {
        struct cfg_vm *vm = &h->vms[i];
        for (size_t j = 0; vm->nics && j < vm->n_nics; j++) {
            struct cfg_vnic *v = &vm->nics[j];
            free(v->name);
            free(v->jpath);
            free(v->attach_to);
            free(v->attach_mode);
            free(v->portgroup);
            free(v->forwards);
            free(v->trunks);
            for (size_t k = 0; v->vlans && k < v->n_vlans; k++) {
                free(v->vlans[k].jpath);
            }
            free(v->vlans);
            if (v->policy) {
                port_policy_free(v->policy);
                free(v->policy);
            }
            ld_free_class_priv(v->cls, v->priv);
        }
        free(vm->nics);
        free(vm->name);
        free(vm->jpath);
        free(vm->pin);
    }
    free(h->vms);
    ld_free_containers(h);
    free(h->name);
    free(h->jpath);
}

void
cfg_free(struct cfg_scenario *sc)
{
    if (!sc) {
        return;
    }
    for (size_t i = 0; sc->hosts && i < sc->n_hosts; i++) {
        free_host(&sc->hosts[i]);
    }
    free(sc->hosts);
    for (size_t i = 0; sc->switches && i < sc->n_switches; i++) {
        free(sc->switches[i].name);
        free(sc->switches[i].jpath);
        free(sc->switches[i].acl);
        free(sc->switches[i].uplink);
        free(sc->switches[i].relay);
        free(sc->switches[i].vdp);
        free(sc->switches[i].static_lag);
        for (size_t k = 0; k < sc->switches[i].n_links; k++) {
            free(sc->switches[i].links[k].to);
        }
        free(sc->switches[i].links);
        if (sc->switches[i].pvlan) {
            free(sc->switches[i].pvlan->isolated);
            free(sc->switches[i].pvlan->community);
            free(sc->switches[i].pvlan->promiscuous);
            free(sc->switches[i].pvlan);
        }
        ld_free_class_priv(sc->switches[i].cls, sc->switches[i].priv);
    }
    free(sc->switches);
    ld_free_dvswitches(sc);
    for (size_t i = 0; sc->flows && i < sc->n_flows; i++) {
        struct cfg_flow *f = &sc->flows[i];
        free(f->name);
        free(f->jpath);
        free(f->from);
        free(f->to);
        free(f->pcap);
        cfg_replay_free(f->replay);
    }
    free(sc->flows);
    for (size_t i = 0; sc->captures && i < sc->n_captures; i++) {
        free(sc->captures[i].point);
        free(sc->captures[i].file);
        free(sc->captures[i].jpath);
    }
    free(sc->captures);
    for (size_t i = 0; sc->events && i < sc->n_events; i++) {
        struct cfg_event *e = &sc->events[i];
        free(e->target);
        free(e->jpath);
        free(e->to);
        free_strv(e->set_keys, e->n_set);
        cfg_free(e->set_trial);
        free_strv(e->set_values, e->n_set);
    }
    free(sc->events);
    free_strv(sc->variant_names, sc->n_variants);
    free(sc->file);
    free(sc->name);
    free(sc->description);
    free(sc->description_zh);
    cfg_lesson_free(sc->lesson);
    free(sc);
}

/* ---- Variants. ---- */

/* Checks variants[] and, when asked, loads the scenario with each variant
 * applied, so that a variant that cannot load is found with the base and
 * not in the middle of a comparison.  Those trial loads skip the
 * not-supported-yet check: a variant may show a path that is still being
 * built. */
bool
ld_variants(struct ld *ld, const cJSON *root)
{
    struct cfg_scenario *sc = ld->sc;
    const cJSON *arr;
    char why[512];

    if (!ld_array(ld, root, "", "variants", &arr)) {
        return false;
    }
    sc->n_variants = (size_t) cJSON_GetArraySize(arr);
    sc->variant_names = ld_calloc(sc->n_variants, sizeof *sc->variant_names);
    size_t i = 0;
    for (const cJSON *v = arr ? arr->child : NULL; v; v = v->next, i++) {
        char vp[JP_LEN], sp[JP_LEN];
        jp_idx(vp, "variants", i);
        if (!ld_is_object(ld, v, vp) || !ld_keys(ld, v, vp, &sch_variant)
            || !ld_variant_name(ld, v, vp, &sc->variant_names[i])) {
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(sc->variant_names[j], sc->variant_names[i])) {
                jp_key(sp, vp, "name");
                return vh_diag_fail(ld->diag, sp, "duplicate variant name "
                                    "'%s' (also variants[%zu])",
                                    sc->variant_names[i], j);
            }
        }
        if (!strcmp(sc->variant_names[i], "base")) {
            /* 'vhsim compare' reports the unchanged scenario as "base". */
            jp_key(sp, vp, "name");
            return vh_diag_fail(ld->diag, sp, "'base' names the scenario "
                                "without changes; choose another name");
        }
        const cJSON *set = cJSON_GetObjectItemCaseSensitive(v, "set");
        jp_key(sp, vp, "set");
        if (!set || cJSON_IsNull(set)) {
            return vh_diag_fail(ld->diag, vp, "missing required key 'set'");
        }
        if (!ld_is_object(ld, set, sp)) {
            return false;
        }
        for (const cJSON *c = set->child; c; c = c->next) {
            if (!ld_check_set_key(ld->root, c->string, why, sizeof why)) {
                char kp[JP_LEN];
                jp_key(kp, sp, c->string);
                return vh_diag_fail(ld->diag, kp, "%s", why);
            }
        }
    }

    for (i = 0; ld->trial_variants && i < sc->n_variants; i++) {
        struct vh_diag d;
        vh_diag_init(&d);
        cJSON *copy = cJSON_Duplicate(ld->root, true);
        if (!copy) {
            return vh_diag_fail(ld->diag, "variants", "out of memory");
        }
        struct cfg_scenario *vs = NULL;
        if (ld_apply_variant(copy, sc->variant_names[i], &d)) {
            vs = ld_load_tree(copy, sc->file, false, false, &d);
        }
        cJSON_Delete(copy);
        cfg_free(vs);
        /* A lesson may show a refusal: a variant its question expects
         * refused is tried when the lab runs, not here.  Nor does the
         * trial hold against a variant what vhsim cannot run yet,
         * wherever the loader finds it (a migration's NIC is checked as
         * its path resolves): 'compare' shows such a variant refused. */
        if (d.failed && !strstr(d.msg, ": not supported yet")
            && !cfg_lesson_expects_refusal(sc->lesson,
                                           sc->variant_names[i])) {
            char vp[JP_LEN];
            jp_idx(vp, "variants", i);
            return vh_diag_fail(ld->diag, vp, "variant '%s' does not load: "
                                "%s", sc->variant_names[i], d.msg);
        }
    }
    return true;
}

/* ---- Loading. ---- */

/* "dir/demo.json" -> "demo". */
static char *
default_name(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    char *name = ld_strdup(base);
    size_t n = strlen(name);
    if (n > 5 && !strcmp(name + n - 5, ".json")) {
        name[n - 5] = '\0';
    }
    return name;
}

static bool
load_top(struct ld *ld, const cJSON *root)
{
    struct cfg_scenario *sc = ld->sc;
    long long seed = 1;

    if (!cJSON_IsObject(root)) {
        return vh_diag_fail(ld->diag, "", "a scenario is a JSON object "
                            "({...}), not %s", ld_type_name(root));
    }
    sc->duration = 10 * VH_MS;
    if (!ld_keys(ld, root, "", &sch_top)
        || !ld_str(ld, root, "", "name", false, &sc->name)
        || !ld_str(ld, root, "", "description", false, &sc->description)
        || !ld_int(ld, root, "", "seed", false, 0, 9007199254740992LL,
                   "whole numbers above 2^53 do not survive JSON", &seed)
        || !ld_time(ld, root, "", "duration", false, &sc->duration)) {
        return false;
    }
    sc->seed = (uint64_t) seed;
    if (sc->name && !*sc->name) {
        return vh_diag_fail(ld->diag, "name", "the scenario's name is "
                            "empty");
    }
    size_t ctl = sc->name ? ld_control_char(sc->name) : 0;
    if (ctl) {
        return vh_diag_fail(ld->diag, "name", "the scenario's name may not "
                            "contain control characters (byte 0x%02x at "
                            "position %zu): it is printed to terminals",
                            (unsigned char) sc->name[ctl - 1], ctl);
    }
    if (!sc->name) {
        sc->name = default_name(sc->file);
    }
    if (!sc->duration) {
        return vh_diag_fail(ld->diag, "duration", "the run's duration must "
                            "be more than zero");
    }
    return true;
}

struct cfg_scenario *
ld_load_tree(cJSON *root, const char *file, bool trial_variants,
             bool check_supported, struct vh_diag *diag)
{
    struct cfg_scenario *sc = ld_calloc(1, sizeof *sc);
    struct ld ld = {
        .diag = diag,
        .sc = sc,
        .root = root,
        .trial_variants = trial_variants,
    };

    sc->file = ld_strdup(file);
    bool ok = load_top(&ld, root)
              && ld_hosts(&ld, root)
              && ld_switches(&ld, root)
              && ld_dvswitches(&ld, root)
              && ld_costs(&ld, root)
              && ld_traffic(&ld, root)
              && ld_captures(&ld, root)
              && ld_events(&ld, root)
              && ld_refs(&ld)
              && ld_endpoints(&ld)
              && ld_sflow_refs(&ld)
              && ld_lesson(&ld, root)
              && ld_netflow_refs(&ld)
              && ld_variants(&ld, root)
              && (!check_supported || ld_check_supported(&ld));
    if (!ok) {
        cfg_free(sc);
        return NULL;
    }
    return sc;
}

/* Line and column (from 1; columns count characters, not bytes) of byte
 * 'off' of 'text'. */
static void
line_col(const char *text, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char) text[i] & 0xc0) != 0x80) {
            (*col)++;           /* Not a UTF-8 continuation byte. */
        }
    }
}

/* Whether byte 'p' of 'json' is where an object's member name should
 * start: the innermost open bracket is '{' and the last non-space byte
 * before 'p' is '{' or ','.  Strings are skipped while scanning. */
static bool
at_key_position(const char *json, size_t p)
{
    char stack[256];
    size_t depth = 0;
    char last = 0;
    bool in_str = false;

    for (size_t i = 0; i < p; i++) {
        char c = json[i];
        if (in_str) {
            if (c == '\\' && i + 1 < p) {
                i++;
            } else if (c == '"') {
                in_str = false;
            }
            last = '"';
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if ((c == '{' || c == '[') && depth < sizeof stack) {
            stack[depth++] = c;
        } else if ((c == '}' || c == ']') && depth) {
            depth--;
        }
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            last = c;
        }
    }
    return !in_str && depth && stack[depth - 1] == '{'
           && (last == '{' || last == ',');
}

static cJSON *
parse_json(const char *json, size_t len, struct vh_diag *diag)
{
    const char *end = NULL;
    size_t line, col;

    if (strlen(json) != len) {
        line_col(json, strlen(json), &line, &col);
        vh_diag_fail(diag, "", "line %zu, column %zu: invalid JSON (a NUL "
                     "byte)", line, col);
        return NULL;
    }
    cJSON *root = cJSON_ParseWithOpts(json, &end, true);
    if (root) {
        return root;
    }
    size_t off = end && end >= json ? (size_t) (end - json) : 0;
    /* cJSON reports a member name that does not start with '"' one byte
     * past it ({"a": 1,,} points after the second comma); step back so
     * the column is that of the offending byte. */
    if (off > 0 && json[off - 1] != '"' && !strchr(" \t\r\n", json[off - 1])
        && at_key_position(json, off - 1)) {
        off--;
    }
    line_col(json, off, &line, &col);

    /* Show what is there, up to the end of the line. */
    char near[32];
    size_t n = 0;
    for (const char *p = json + off; *p && *p != '\n' && *p != '\r'
         && n < sizeof near - 1; p++) {
        near[n++] = *p;
    }
    near[n] = '\0';
    if (!json[strspn(json, " \t\r\n")]) {
        vh_diag_fail(diag, "", "line %zu, column %zu: invalid JSON (the "
                     "text is empty)", line, col);
    } else if (!json[off]) {
        vh_diag_fail(diag, "", "line %zu, column %zu: invalid JSON (it "
                     "ends too early)", line, col);
    } else {
        vh_diag_fail(diag, "", "line %zu, column %zu: invalid JSON near "
                     "'%s'", line, col, near);
    }
    return NULL;
}

/* Applies the extra changes of cfg_load_set(), after any variant, so they
 * win over it.  Each is checked exactly as a variant's set entry is. */
static bool
apply_sets(cJSON *root, const struct cfg_set *sets, size_t n,
           struct vh_diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        char why[512];
        cJSON *v = cJSON_ParseWithOpts(sets[i].value, NULL, true);
        if (!v) {
            return vh_diag_fail(diag, "", "--set %s: the value '%s' is not "
                                "JSON", sets[i].key, sets[i].value);
        }
        bool ok = ld_apply_one(root, sets[i].key, v, why, sizeof why);
        cJSON_Delete(v);
        if (!ok) {
            return vh_diag_fail(diag, "", "--set %s: %s", sets[i].key, why);
        }
    }
    return true;
}

static struct cfg_scenario *
load_text(const char *json, size_t len, const char *file,
          const char *variant, const struct cfg_set *sets, size_t n_sets,
          struct vh_diag *diag)
{
    vh_diag_init(diag);
    cJSON *root = parse_json(json, len, diag);
    if (!root) {
        return NULL;
    }
    struct cfg_scenario *sc = NULL;
    /* Other variants are tried only on the scenario as written: changes
     * made for one run say nothing about them. */
    if ((!variant || ld_apply_variant(root, variant, diag))
        && apply_sets(root, sets, n_sets, diag)) {
        sc = ld_load_tree(root, file, variant == NULL && !n_sets, true,
                          diag);
    }
    cJSON_Delete(root);
    return sc;
}

struct cfg_scenario *
cfg_load_string(const char *json, const char *name, const char *variant,
                struct vh_diag *diag)
{
    return load_text(json, strlen(json), name, variant, NULL, 0, diag);
}

struct cfg_scenario *
cfg_load_set(const char *json, const char *name, const char *variant,
             const struct cfg_set *sets, size_t n_sets, struct vh_diag *diag)
{
    return load_text(json, strlen(json), name, variant, sets, n_sets, diag);
}

char *
cfg_read_text(FILE *f, const char *name, size_t *lenp, struct vh_diag *diag)
{
    size_t cap = 65536, len = 0, n;
    char *buf = ld_calloc(1, cap);
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len > CFG_TEXT_MAX) {
            free(buf);
            vh_diag_fail(diag, "", "'%s' is larger than %u MiB: not a "
                         "scenario", name, CFG_TEXT_MAX >> 20);
            return NULL;
        }
        if (cap - len < 4096) {
            cap *= 2;
            buf = vh_xrealloc(buf, cap);
        }
    }
    if (ferror(f)) {
        int saved = errno;
        free(buf);
        vh_diag_fail(diag, "", "cannot read '%s': %s", name,
                     strerror(saved));
        return NULL;
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        free(buf);
        vh_diag_fail(diag, "", "'%s' holds a NUL byte: not a JSON scenario",
                     name);
        return NULL;
    }
    *lenp = len;
    return buf;
}

char *
cfg_read_file(const char *file, size_t *len, struct vh_diag *diag)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        vh_diag_fail(diag, "", "cannot open '%s': %s", file,
                     strerror(errno));
        return NULL;
    }
    char *buf = cfg_read_text(f, file, len, diag);
    fclose(f);
    return buf;
}

struct cfg_scenario *
cfg_load(const char *file, const char *variant, struct vh_diag *diag)
{
    vh_diag_init(diag);
    size_t len;
    char *buf = cfg_read_file(file, &len, diag);
    if (!buf) {
        return NULL;
    }
    struct cfg_scenario *sc = load_text(buf, len, file, variant, NULL, 0,
                                        diag);
    free(buf);
    return sc;
}
