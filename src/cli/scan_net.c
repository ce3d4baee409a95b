/*
 * scan_net.c — the intermediary network in `xgate scan`'s summary, and its GraphML export.
 */
#include "cli/scan_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void print_docs(const json_t *docs)
{
    size_t i;
    json_t *v;
    printf("      documents: ");
    json_array_foreach(docs, i, v) printf("%s%s", i ? ", " : "", json_string_value(v));
    putchar('\n');
}

static void print_names(const json_t *o)
{
    const json_t *names = json_object_get(o, "names");
    if (json_array_size(names) < 2) return;
    size_t i;
    json_t *v;
    printf("      written as: ");
    json_array_foreach(names, i, v) printf("%s%s", i ? " | " : "", json_string_value(v));
    putchar('\n');
}

static void print_amount(const json_t *v)
{
    if (json_is_number(v)) printf(", %.2f CNY", json_number_value(v));
}

void scan_print_network(const json_t *net)
{
    const json_t *im = json_object_get(net, "intermediaries");
    const json_t *rb = json_object_get(net, "repeat_buyers");
    size_t i, k, shown = 0;
    json_t *c, *s;
    json_array_foreach(im, i, c) shown +=
        json_integer_value(json_object_get(c, "listed_or_flagged_buyers")) > 0;
    if (shown) {
        printf("intermediaries, ranked by the listed or flagged buyers they serve:\n");
        json_array_foreach(im, i, c)
        {
            if (json_integer_value(json_object_get(c, "listed_or_flagged_buyers")) == 0) continue;
            printf("  %lld. %s: %lld buyers (%lld listed, %lld flagged), %lld deals",
                   (long long)json_integer_value(json_object_get(c, "rank")), str(c, "name"),
                   (long long)json_integer_value(json_object_get(c, "buyers")),
                   (long long)json_integer_value(json_object_get(c, "listed_buyers")),
                   (long long)json_integer_value(json_object_get(c, "flagged_buyers")),
                   (long long)json_integer_value(json_object_get(c, "deals")));
            print_amount(json_object_get(c, "amount_cny"));
            putchar('\n');
            print_names(c);
            json_array_foreach(json_object_get(c, "served"), k, s)
            {
                const json_t *l = json_object_get(s, "listed");
                printf("      serves %s", str(s, "name"));
                if (json_is_object(l))
                    printf(" (listed: %s, %s)", str(l, "match"), str(l, "source"));
                if (json_is_true(json_object_get(s, "flagged"))) printf(" [flagged]");
                putchar('\n');
            }
            print_docs(json_object_get(c, "documents"));
        }
    }
    if (json_array_size(rb)) {
        printf("buyers of restricted compute, repeatedly or through several intermediaries:\n");
        json_array_foreach(rb, i, c)
        {
            const json_t *l = json_object_get(c, "listed");
            printf("  %s", str(c, "name"));
            if (json_is_object(l)) printf(" (listed: %s, %s)", str(l, "match"), str(l, "source"));
            printf(": %lld purchases through %zu intermediaries",
                   (long long)json_integer_value(json_object_get(c, "purchases")),
                   json_array_size(json_object_get(c, "intermediaries")));
            json_array_foreach(json_object_get(c, "intermediaries"), k, s)
                printf("%s%s", k ? ", " : " (", json_string_value(s));
            if (json_array_size(json_object_get(c, "intermediaries"))) putchar(')');
            print_amount(json_object_get(c, "amount_cny"));
            putchar('\n');
            print_names(c);
            print_docs(json_object_get(c, "documents"));
        }
    }
    printf("network: %zu nodes, %zu edges, %zu intermediaries, %zu repeat buyers\n",
           json_array_size(json_object_get(net, "nodes")),
           json_array_size(json_object_get(net, "edges")), json_array_size(im),
           json_array_size(rb));
}

int scan_write_graph(const char *path, const json_t *net)
{
    char *xml = NULL;
    if (xg_scan_network_graphml(&xml, net)) return -1;
    FILE *f = fopen(path, "w");
    int ok = f && fputs(xml, f) >= 0;
    if (f && fclose(f)) ok = 0;
    free(xml);
    return ok ? 0 : -1;
}
