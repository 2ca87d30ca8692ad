/*
 * trace_format_md.c — prints the trace format's table (engine/trace_event.h)
 * as the Markdown tables of traces/README.md.
 *
 * Goal: the format document can never disagree with the format.  Method:
 * tests/trace_doc.sh cuts the generated part out of traces/README.md and
 * compares it byte for byte with this program's output; every kind and key
 * that exists is documented, and nothing documented does not exist.
 */
#include <stdio.h>

#include "trace_event.h"

static const char *type_text(trace_field_type t)
{
    switch (t) {
    case TRACE_U64: return "integer";
    case TRACE_I64: return "signed integer";
    case TRACE_BOOL: return "boolean";
    case TRACE_STR: return "string";
    case TRACE_NAMES: return "array of strings";
    case TRACE_U64_STR: return "decimal string";
    }
    return "?";
}

static void key_table(const char *title, const trace_field_def *fields)
{
    printf("%s\n\n| key | type | meaning |\n|---|---|---|\n", title);
    for (const trace_field_def *f = fields; f->key != NULL; f++) {
        char since[32] = "";
        if (f->since) snprintf(since, sizeof since, " (from version %u)", (unsigned)f->since);
        printf("| `%s` | %s%s%s | %s |\n", f->key, type_text(f->type),
               f->optional ? " (optional)" : "", since, f->meaning);
    }
    printf("\n");
}

int main(void)
{
    printf("Format version %d.  Every line is one JSON object; keys come in the order listed.\n\n",
           TRACE_FORMAT_VERSION);
    printf("The header and the summary start with `\"type\"` (`\"header\"`, `\"summary\"`).\n\n");
    key_table("#### Header of a sim trace (`\"source\":\"sim\"`)", trace_header_fields_for(TRACE_SOURCE_SIM));
    key_table("#### Header of a real trace (`\"source\":\"real\"`)",
              trace_header_fields_for(TRACE_SOURCE_REAL));
    key_table("#### Keys of every event line", trace_event_common_fields);
    printf("#### Event kinds (`ev`) and their further keys\n\n| `ev` | what happened | keys |\n"
           "|---|---|---|\n");
    for (int k = 0; k < TRACE_KIND_COUNT; k++) {
        printf("| `%s` | %s |", trace_kinds[k].name, trace_kinds[k].meaning);
        for (const trace_field_def *f = trace_kinds[k].fields; f->key != NULL; f++)
            printf("%s `%s` (%s): %s", f == trace_kinds[k].fields ? "" : ";", f->key,
                   type_text(f->type), f->meaning);
        printf(" |\n");
    }
    printf("\n");
    key_table("#### Summary of a sim trace", trace_summary_fields_for(TRACE_SOURCE_SIM));
    key_table("#### Summary of a real trace", trace_summary_fields_for(TRACE_SOURCE_REAL));
    return 0;
}
