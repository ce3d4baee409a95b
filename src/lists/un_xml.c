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
#include <libxml/xmlversion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xgate/csv.h"
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

/* Parse errors, collected through libxml2's structured handler so that none is printed and, in
 * lenient mode, every one can be tied to the party it falls in. */
typedef struct {
    long line;
    char msg[200];
    bool reported;
} xml_problem;

/* libxml2 2.12 made the handler's error const */
#if LIBXML_VERSION >= 21200
#define XG_XML_ERROR const xmlError
#else
#define XG_XML_ERROR xmlError
#endif

static void collect_error(void *user, XG_XML_ERROR *e)
{
    xmlParserCtxtPtr px = user;
    xg_vec *v = px ? px->_private : NULL;
    if (!v || !e || e->level < XML_ERR_ERROR || v->len >= 1000) return;
    xml_problem p = {e->line, "", false};
    snprintf(p.msg, sizeof p.msg, "%s", e->message ? e->message : "malformed XML");
    p.msg[strcspn(p.msg, "\n")] = '\0';
    xg_vec_push(v, &p);
}

/* The first line after a party: where the next element (of any level) starts. */
static long party_end(const xmlNode *n)
{
    for (const xmlNode *up = n; up; up = up->parent)
        for (const xmlNode *s = up->next; s; s = s->next)
            if (s->type == XML_ELEMENT_NODE) return xmlGetLineNo(s);
    return LONG_MAX;
}

/* In lenient mode a party holding a parse error is skipped: what recovery made of it is a guess. */
static int party_has_error(lst_ctx *ctx, xg_vec *errors, const xmlNode *n, long line)
{
    long end = party_end(n);
    for (size_t i = 0; i < errors->len; i++) {
        xml_problem *p = &XG_VEC_AT(errors, xml_problem, i);
        if (p->line >= line && (p->line < end || end <= line)) {
            p->reported = true;
            int rc = lst_row_problem(ctx, XG_EPARSE, line, "%s skipped: XML error on line %ld: %s",
                                     n->name, p->line, p->msg);
            return rc ? rc : 1;
        }
    }
    return 0;
}

static bool record_utf8_valid(const lst_rec *b)
{
    if (!xg_utf8_valid(b->r.name, strlen(b->r.name)) ||
        !xg_utf8_valid(b->remarks.data ? b->remarks.data : "", b->remarks.len))
        return false;
    const xg_vec *lists[] = {&b->aliases, &b->addresses, &b->programs};
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < lists[k]->len; i++) {
            const char *s = XG_VEC_AT(lists[k], const char *, i);
            if (!xg_utf8_valid(s, strlen(s))) return false;
        }
    for (size_t i = 0; i < b->ids.len; i++) {
        const char *s = XG_VEC_AT(&b->ids, xg_ident, i).value;
        if (!xg_utf8_valid(s, strlen(s))) return false;
    }
    return true;
}

/* The element of a party whose text is over the field limit (as for CSV), or NULL. */
static const xmlNode *oversized(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
            (size_t)xmlStrlen(c->content) > XG_CSV_MAX_FIELD_DEFAULT)
            return n;
        const xmlNode *hit = c->type == XML_ELEMENT_NODE ? oversized(c) : NULL;
        if (hit) return hit;
    }
    return NULL;
}

static int load_party(lst_ctx *ctx, lst_rec *b, const xmlNode *n, bool individual, xg_vec *errors)
{
    long line = xmlGetLineNo(n);
    int skip = party_has_error(ctx, errors, n, line);
    if (skip) return skip < 0 ? skip : XG_OK;
    const xmlNode *big = oversized(n);
    if (big)
        return lst_row_problem(ctx, XG_ETOOBIG, xmlGetLineNo(big), "%s is longer than %d bytes",
                               big->name, XG_CSV_MAX_FIELD_DEFAULT);
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
    if (rc) return rc;
    if (!record_utf8_valid(b)) return lst_row_problem(ctx, XG_EUTF8, line, "invalid UTF-8");
    return lst_rec_commit(ctx, b);
}

static int load_group(lst_ctx *ctx, lst_rec *b, const xmlNode *group, const char *tag, bool indiv,
                      xg_vec *errors)
{
    int rc = XG_OK;
    for (const xmlNode *n = group ? group->children : NULL; n && !rc; n = n->next)
        if (is(n, tag)) rc = load_party(ctx, b, n, indiv, errors);
    return rc;
}

/* Strict: the first error fails the load. Lenient: errors outside every party are reported here
 * (those inside one were reported when it was skipped). */
static int report_errors(lst_ctx *ctx, xg_vec *errors, bool strict_only)
{
    for (size_t i = 0; i < errors->len; i++) {
        xml_problem *p = &XG_VEC_AT(errors, xml_problem, i);
        if (p->reported || (strict_only && (ctx->flags & XG_LOAD_LENIENT))) continue;
        p->reported = true;
        int rc = lst_row_problem(ctx, XG_EPARSE, p->line, "XML: %s", p->msg);
        if (rc) return rc;
    }
    return XG_OK;
}

static int load_doc(lst_ctx *ctx, xmlDocPtr doc, xg_vec *errors)
{
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) return report_errors(ctx, errors, false);
    if (doc->intSubset || doc->extSubset) /* entities could expand without bound when read */
        return xg_error_set(XG_EFORMAT, "%s: a DOCTYPE is not accepted in the UN consolidated list",
                            ctx->file);
    if (!is(root, "CONSOLIDATED_LIST"))
        return xg_error_set(XG_EFORMAT, "%s: root element is %s, not CONSOLIDATED_LIST", ctx->file,
                            root->name);
    lst_rec b;
    lst_rec_init(&b);
    int rc = load_group(ctx, &b, child(root, "INDIVIDUALS"), "INDIVIDUAL", true, errors);
    if (!rc) rc = load_group(ctx, &b, child(root, "ENTITIES"), "ENTITY", false, errors);
    lst_rec_free(&b);
    return rc ? rc : report_errors(ctx, errors, false);
}

int lst_load_un_xml(lst_ctx *ctx, const char *data, size_t len)
{
    if (len > (size_t)INT32_MAX) return xg_error_set(XG_ETOOBIG, "%s: too large", ctx->file);
    xmlParserCtxtPtr px = xmlNewParserCtxt();
    if (!px) return XG_ENOMEM;
    xg_vec errors;
    xg_vec_init(&errors, sizeof(xml_problem));
    px->_private = &errors;
    px->sax->serror = collect_error;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
               XML_PARSE_BIG_LINES;
    if (ctx->flags & XG_LOAD_LENIENT) opts |= XML_PARSE_RECOVER;
    xmlDocPtr doc = xmlCtxtReadMemory(px, data, (int)len, ctx->file, NULL, opts);
    if (!errors.len && (!doc || !px->wellFormed)) { /* an error the handler did not see */
        xmlError fallback = {.level = XML_ERR_FATAL, .line = 0};
        XG_XML_ERROR *e = xmlCtxtGetLastError(px);
        collect_error(px, e ? e : &fallback);
    }
    int rc = report_errors(ctx, &errors, true);
    if (!rc) rc = load_doc(ctx, doc, &errors);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(px);
    xg_vec_free(&errors);
    return rc;
}
