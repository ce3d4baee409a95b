/*
 * sdn_xml.c — OFAC's SDN.XML: <sdnList> with <publshInformation> (Publish_Date, Record_Count)
 * and one <sdnEntry> per party: uid (the ent_num of the CSV files, so both formats diff by the
 * same id), lastName and firstName, sdnType, programList/program, akaList/aka (lastName,
 * firstName), addressList/address (address1-3, city, stateOrProvince, postalCode, country),
 * idList/id (idType, idNumber, idCountry), nationalityList and citizenshipList (country),
 * vesselInfo/vesselFlag, remarks.
 *
 * Names are written as in the CSV files ("LAST, First"), so a party reads the same whichever
 * format was fetched; remarks go through the same parsing as the CSV's. Elements are matched by
 * local name, so the schema namespace (which OFAC has changed) does not matter. Parsed with
 * libxml2 without network access or entity expansion; a DOCTYPE is refused. Lenient mode skips
 * entries with bad content, but a file that is not well-formed is an error either way (what
 * recovery would make of it is a guess).
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "lists/lists_internal.h"
#include "xgate/country.h"
#include "xgate/error.h"

#define SDN_XML_SOURCE "Specially Designated Nationals (SDN) - Treasury Department"

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name)) return c;
    return NULL;
}

static const char *text_of(lst_ctx *ctx, const xmlNode *n)
{
    if (!n) return "";
    xmlChar *t = xmlNodeGetContent(n);
    const char *s = t ? lst_str(ctx, (const char *)t, (size_t)-1) : "";
    xmlFree(t);
    return s ? s : "";
}

static const char *child_text(lst_ctx *ctx, const xmlNode *n, const char *name)
{
    return text_of(ctx, child(n, name));
}

/* "LAST, First" as the CSV files write it; just LAST when there is no first name. */
static const char *full_name(lst_ctx *ctx, const xmlNode *n)
{
    const char *last = child_text(ctx, n, "lastName"), *first = child_text(ctx, n, "firstName");
    if (!*first) return last;
    if (!*last) return first;
    return xg_arena_printf(ctx->arena, "%s, %s", last, first);
}

static int add_address(lst_ctx *ctx, lst_rec *b, const xmlNode *a)
{
    static const char *const parts[] = {"address1",        "address2",   "address3", "city",
                                        "stateOrProvince", "postalCode", "country"};
    xg_buf text;
    xg_buf_init(&text);
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) {
        const char *p = child_text(ctx, a, parts[k]);
        if (*p) xg_buf_printf(&text, "%s%s", text.len ? ", " : "", p);
    }
    int rc = text.len ? lst_rec_address(ctx, b, text.data, text.len) : XG_OK;
    const char *country = child_text(ctx, a, "country");
    if (!rc && *country) rc = lst_rec_country_name(ctx, b, country, strlen(country));
    xg_buf_free(&text);
    return rc;
}

static int add_list(lst_ctx *ctx, lst_rec *b, const xmlNode *list)
{
    int rc = XG_OK;
    for (const xmlNode *c = list->children; c && !rc; c = c->next) {
        if (is(c, "program")) {
            const char *p = text_of(ctx, c);
            rc = lst_rec_program(ctx, b, p, strlen(p));
        } else if (is(c, "aka")) {
            const char *a = full_name(ctx, c);
            rc = a ? lst_rec_alias(ctx, b, a, strlen(a)) : XG_ENOMEM;
        } else if (is(c, "address")) {
            rc = add_address(ctx, b, c);
        } else if (is(c, "id")) {
            const char *country = child_text(ctx, c, "idCountry");
            rc = lst_rec_ident(ctx, b, child_text(ctx, c, "idType"), child_text(ctx, c, "idNumber"),
                               *country ? xg_country_code(country) : NULL);
        } else if (is(c, "nationality") || is(c, "citizenship")) {
            const char *country = child_text(ctx, c, "country");
            rc = lst_rec_country_name(ctx, b, country, strlen(country));
        }
    }
    return rc;
}

static int sdn_type(const char *t, xg_party_type *out)
{
    static const struct {
        const char *name;
        xg_party_type type;
    } types[] = {{"", XG_PARTY_ENTITY},
                 {"Entity", XG_PARTY_ENTITY},
                 {"Individual", XG_PARTY_INDIVIDUAL},
                 {"Vessel", XG_PARTY_VESSEL},
                 {"Aircraft", XG_PARTY_AIRCRAFT}};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (!strcasecmp(t, types[i].name)) return *out = types[i].type, 0;
    return -1;
}

static int load_entry(lst_ctx *ctx, lst_rec *b, const xmlNode *n)
{
    long line = xmlGetLineNo(n);
    lst_rec_reset(b, ctx, line);
    const char *uid = child_text(ctx, n, "uid"), *type = child_text(ctx, n, "sdnType");
    long ent;
    char *end;
    if (!*uid || (ent = strtol(uid, &end, 10)) < 0 || *end)
        return lst_row_problem(ctx, XG_EPARSE, line, "sdnEntry without a numeric uid");
    if (sdn_type(type, &b->r.type))
        return lst_row_problem(ctx, XG_EPARSE, line, "unknown sdnType '%.40s'", type);
    b->r.id = uid;
    b->r.source = SDN_XML_SOURCE;
    b->r.source_code = "SDN";
    b->r.name = full_name(ctx, n);
    if (!b->r.name) return XG_ENOMEM;
    if (!*b->r.name)
        return lst_row_problem(ctx, XG_EPARSE, line, "sdnEntry %s without a name", uid);
    int rc = XG_OK;
    for (const xmlNode *c = n->children; c && !rc; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strstr((const char *)c->name, "List"))
            rc = add_list(ctx, b, c);
    const char *flag = child_text(ctx, child(n, "vesselInfo"), "vesselFlag");
    if (!rc && *flag) rc = lst_rec_country_name(ctx, b, flag, strlen(flag));
    if (!rc) rc = lst_sdn_remarks(ctx, b, child_text(ctx, n, "remarks"));
    if (rc) return rc;
    if (!xg_utf8_valid(b->r.name, strlen(b->r.name)))
        return lst_row_problem(ctx, XG_EUTF8, line, "invalid UTF-8");
    return lst_rec_commit(ctx, b);
}

static int load_doc(lst_ctx *ctx, xmlDocPtr doc)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (doc->intSubset || doc->extSubset)
        return xg_error_set(XG_EFORMAT, "%s: a DOCTYPE is not accepted in SDN.XML", ctx->file);
    if (!is(root, "sdnList"))
        return xg_error_set(XG_EFORMAT, "%s: root element is %s, not sdnList", ctx->file,
                            root ? (const char *)root->name : "missing");
    lst_rec b;
    lst_rec_init(&b);
    int rc = XG_OK;
    for (const xmlNode *n = root->children; n && !rc; n = n->next)
        if (is(n, "sdnEntry")) rc = load_entry(ctx, &b, n);
    lst_rec_free(&b);
    return rc;
}

int lst_load_sdn_xml(lst_ctx *ctx, const char *data, size_t len)
{
    if (len > (size_t)INT32_MAX) return xg_error_set(XG_ETOOBIG, "%s: too large", ctx->file);
    xmlParserCtxtPtr px = xmlNewParserCtxt();
    if (!px) return XG_ENOMEM;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
               XML_PARSE_BIG_LINES;
    xmlDocPtr doc = xmlCtxtReadMemory(px, data, (int)len, ctx->file, NULL, opts);
    int rc = XG_OK;
    if (!doc || !px->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(px);
        char msg[200];
        snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "malformed XML");
        msg[strcspn(msg, "\n")] = '\0';
        rc = xg_error_set(XG_EPARSE, "%s:%d: XML: %s", ctx->file, e ? e->line : 0, msg);
    }
    if (!rc) rc = load_doc(ctx, doc);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(px);
    return rc;
}
