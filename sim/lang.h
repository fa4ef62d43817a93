/* sim/lang.h: the language students read, English or Chinese.
 *
 * Every string a student reads (the report's headings and table columns,
 * 'explain', 'lab', the GUI's labels) is written in English in the source
 * and passed through vh_tr().  With Chinese chosen, vh_tr() returns the
 * catalog's translation (sim/lang/ *.def); with English, or for a string
 * the catalog lacks, it returns its argument unchanged, so a missing
 * translation shows English rather than nothing.  tests/lang_missing.sh
 * lists every vh_tr("...") literal of the source that has no entry, and
 * every entry whose printf conversions differ from its English.
 *
 * Scenario keys, JSON report keys, CSV headers and error messages stay
 * English: they are a contract for programs and a text to search for.
 *
 * The language is process-wide: chosen once from --lang or the locale
 * before any output, never changed during a run. */
#ifndef VH_SIM_LANG_H
#define VH_SIM_LANG_H 1

#include <stddef.h>

enum vh_lang {
    VH_LANG_EN,
    VH_LANG_ZH,
};

void vh_lang_set(enum vh_lang);
enum vh_lang vh_lang_get(void);

/* Parses "en", "zh", or a locale name ("zh_CN.UTF-8", "en_US", "C",
 * "POSIX").  Returns 0 and sets '*out', or -1 for a name it does not know. */
int vh_lang_parse(const char *name, enum vh_lang *out);

/* The language of the environment, as gettext picks it: LC_ALL, then
 * LC_MESSAGES, then LANG; Chinese for any zh_* locale, else English. */
enum vh_lang vh_lang_from_env(void);

/* 'en' in the current language.  The result lives as long as the
 * process.  'en' must be a string literal (or as long-lived). */
const char *vh_tr(const char *en);

/* A packet's step as a model wrote it into the trace, English and maybe
 * formatted ("table 0 matched: priority=0,actions=normal"), in the
 * current language: the entry of sim/lang/step.def whose format it
 * matches, filled in with what the English had at each conversion,
 * written into 'buf' of 'size' bytes.  Returns 'buf', a catalog string,
 * or 'text' itself when English is chosen or nothing matches. */
const char *vh_tr_step(const char *text, char *buf, size_t size);

/* Whether the Chinese catalog has an entry for 'en' (tests). */
int vh_tr_has(const char *en);

/* The Chinese gloss of report key or drop reason 'key' (sim/lang/
 * gloss.def) when Chinese is chosen and the glossary has it; else 'key'.
 * For the text report: the JSON report keeps its keys English. */
const char *vh_gloss(const char *key);

/* Drop reason 'reason' as the text report shows it: itself in English;
 * in Chinese its gloss and then itself, "链路断开 (link-down)", so the
 * key to search for stays.  Written into 'buf' of 'size' bytes when
 * glossed; returns 'buf' or 'reason'. */
const char *vh_gloss_reason(const char *reason, char *buf, size_t size);

/* Whether the glossary has an entry for 'key' (tests). */
int vh_gloss_has(const char *key);

/* Columns 's' takes on a terminal: CJK ideographs and full-width forms
 * take two, other code points one.  For padding tables whose cells may
 * be Chinese; printf's widths count bytes. */
size_t vh_text_width(const char *s);

/* Writes 's' then spaces up to 'width' columns (left-aligned) into 'buf'
 * of 'size' bytes, or right-aligned when 'right'.  Returns 'buf'. */
const char *vh_pad(char *buf, size_t size, const char *s, size_t width,
                   int right);

#endif /* sim/lang.h */
