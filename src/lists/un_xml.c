/*
 * un_xml.c — the UN Security Council consolidated list (XML), read with libxml2.
 *
 * INDIVIDUAL: FIRST_NAME … FOURTH_NAME joined is the name; NAME_ORIGINAL_SCRIPT and every
 * INDIVIDUAL_ALIAS/ALIAS_NAME are aliases; NATIONALITY/VALUE and INDIVIDUAL_ADDRESS/COUNTRY give
 * countries; INDIVIDUAL_DOCUMENT gives ids. ENTITY: FIRST_NAME is the name, ENTITY_ALIAS and
 * ENTITY_ADDRESS likewise. UN_LIST_TYPE is the program, LISTED_ON the start date, DATAID the id,
 * REFERENCE_NUMBER an id of scheme UN_REF (people quote it), COMMENTS1 the remarks.
 *
 * The parser never touches the network, never expands external entities and never prints (its
 * errors come back through the context). A file that is not well-formed is an error at the line
 * libxml2 reports; in lenient mode it is parsed in recovery mode and that error is a skipped row.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lists/lists_internal.h"
#include "xgate/country.h"
#include "xgate/error.h"

#define UN_SOURCE "UN Security Council Consolidated List"

static bool is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if (is(c, name)) return c;
    return NULL;
}

/* Text of an element (trimmed, arena copy); "" when absent or empty. */
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

static int join_name(lst_ctx *ctx, lst_rec *b, const xmlNode *n, bool individual)
{
    static const char *const parts[] = {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"};
    xg_buf name;
    xg_buf_init(&name);
    for (size_t i = 0; i < (individual ? 4u : 1u); i++) {
        const char *p = child_text(ctx, n, parts[i]);
        if (*p) xg_buf_printf(&name, "%s%s", name.len ? " " : "", p);
    }
    b->r.name = name.len ? xg_arena_strndup(ctx->arena, name.data, name.len) : "";
    xg_buf_free(&name);
    return b->r.name ? XG_OK : XG_ENOMEM;
}

/* "STREET, CITY, STATE_PROVINCE, ZIP_CODE, COUNTRY" of an address element, and its country. */
static int add_address(lst_ctx *ctx, lst_rec *b, const xmlNode *a)
{
    static const char *const parts[] = {"STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"};
    xg_buf s;
    xg_buf_init(&s);
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        const char *p = child_text(ctx, a, parts[i]);
        if (*p) xg_buf_printf(&s, "%s%s", s.len ? ", " : "", p);
    }
    int rc = s.len ? lst_rec_address(ctx, b, s.data, s.len) : XG_OK;
    xg_buf_free(&s);
    if (!rc) rc = lst_rec_country_name(ctx, b, child_text(ctx, a, "COUNTRY"), (size_t)-1);
    return rc;
}

static int add_document(lst_ctx *ctx, lst_rec *b, const xmlNode *d)
{
    const char *number = child_text(ctx, d, "NUMBER");
    if (!*number) return XG_OK;
    const char *country = child_text(ctx, d, "ISSUING_COUNTRY");
    if (!*country) country = child_text(ctx, d, "COUNTRY_OF_ISSUE");
    return lst_rec_ident(ctx, b, child_text(ctx, d, "TYPE_OF_DOCUMENT"), number,
                         *country ? xg_country_code(country) : NULL);
}

static int add_element(lst_ctx *ctx, lst_rec *b, const xmlNode *c, const char *prefix)
{
    char alias_tag[32], address_tag[32];
    snprintf(alias_tag, sizeof alias_tag, "%s_ALIAS", prefix);
    snprintf(address_tag, sizeof address_tag, "%s_ADDRESS", prefix);
    if (is(c, alias_tag))
        return lst_rec_alias(ctx, b, child_text(ctx, c, "ALIAS_NAME"), (size_t)-1);
    if (is(c, address_tag)) return add_address(ctx, b, c);
    if (is(c, "NAME_ORIGINAL_SCRIPT")) return lst_rec_alias(ctx, b, text_of(ctx, c), (size_t)-1);
    if (is(c, "INDIVIDUAL_DOCUMENT")) return add_document(ctx, b, c);
    if (is(c, "UN_LIST_TYPE")) return lst_rec_program(ctx, b, text_of(ctx, c), (size_t)-1);
    if (is(c, "NATIONALITY"))
        for (const xmlNode *v = c->children; v; v = v->next)
            if (is(v, "VALUE") && lst_rec_country_name(ctx, b, text_of(ctx, v), (size_t)-1))
                return XG_ENOMEM;
    return XG_OK;
}

static int load_party(lst_ctx *ctx, lst_rec *b, const xmlNode *n, bool individual)
{
    long line = xmlGetLineNo(n);
    lst_rec_reset(b, ctx, line);
    b->r.type = individual ? XG_PARTY_INDIVIDUAL : XG_PARTY_ENTITY;
    b->r.source = UN_SOURCE;
    b->r.source_code = "UN";
    b->r.id = child_text(ctx, n, "DATAID");
    if (!*b->r.id) return lst_row_problem(ctx, XG_EPARSE, line, "%s without DATAID", n->name);
    if (join_name(ctx, b, n, individual)) return XG_ENOMEM;
    if (!*b->r.name) return lst_row_problem(ctx, XG_EPARSE, line, "%s without a name", n->name);
    /* xs:date may carry a time zone ("2015-04-07-04:00"); the day is what counts */
    char *listed = (char *)child_text(ctx, n, "LISTED_ON");
    if (strlen(listed) > 10 && (listed[10] == '-' || listed[10] == '+' || listed[10] == 'Z'))
        listed[10] = '\0';
    if (*listed && !xg_date_valid(listed))
        return lst_row_problem(ctx, XG_EPARSE, line, "LISTED_ON '%.40s' is not a date", listed);
    b->r.start_date = *listed ? listed : NULL;
    int rc = XG_OK;
    for (const xmlNode *c = n->children; c && !rc; c = c->next)
        rc = add_element(ctx, b, c, individual ? "INDIVIDUAL" : "ENTITY");
    const char *ref = child_text(ctx, n, "REFERENCE_NUMBER");
    if (!rc && *ref) rc = lst_rec_ident(ctx, b, "UN_REF", ref, NULL);
    const char *comments = child_text(ctx, n, "COMMENTS1");
    if (!rc) rc = lst_rec_remark(b, comments, strlen(comments));
    return rc ? rc : lst_rec_commit(ctx, b);
}

static int load_group(lst_ctx *ctx, lst_rec *b, const xmlNode *group, const char *tag, bool indiv)
{
    int rc = XG_OK;
    for (const xmlNode *n = group ? group->children : NULL; n && !rc; n = n->next)
        if (is(n, tag)) rc = load_party(ctx, b, n, indiv);
    return rc;
}

static int parse_error(lst_ctx *ctx, xmlParserCtxtPtr px)
{
    const xmlError *e = xmlCtxtGetLastError(px);
    char msg[300];
    snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "malformed XML");
    msg[strcspn(msg, "\n")] = '\0';
    return lst_row_problem(ctx, XG_EPARSE, e ? e->line : 0, "XML: %s", msg);
}

int lst_load_un_xml(lst_ctx *ctx, const char *data, size_t len)
{
    if (len > (size_t)INT32_MAX) return xg_error_set(XG_ETOOBIG, "%s: too large", ctx->file);
    xmlParserCtxtPtr px = xmlNewParserCtxt();
    if (!px) return XG_ENOMEM;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
               XML_PARSE_BIG_LINES;
    if (ctx->flags & XG_LOAD_LENIENT) opts |= XML_PARSE_RECOVER;
    xmlDocPtr doc = xmlCtxtReadMemory(px, data, (int)len, ctx->file, NULL, opts);
    int rc = XG_OK;
    if (!doc || !px->wellFormed) rc = parse_error(ctx, px);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!rc && root && !is(root, "CONSOLIDATED_LIST"))
        rc = xg_error_set(XG_EFORMAT, "%s: root element is %s, not CONSOLIDATED_LIST", ctx->file,
                          root->name);
    if (!rc && root) {
        lst_rec b;
        lst_rec_init(&b);
        rc = load_group(ctx, &b, child(root, "INDIVIDUALS"), "INDIVIDUAL", true);
        if (!rc) rc = load_group(ctx, &b, child(root, "ENTITIES"), "ENTITY", false);
        lst_rec_free(&b);
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(px);
    return rc;
}
