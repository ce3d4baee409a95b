/*
 * amount.c — money and quantities as printed in tender notices: "200000.00元", "20.0000万元",
 * "￥668.790000 万元", "3,280,000.00元", upper-case numerals "伍拾万元整", lower-case ones
 * "港币一百二十万元", "三千万", and English "200,000 yuan", "HK$1.2 million", "$20 billion".
 * Written by hand rather than as regexes because Chinese numerals are positional (一百二十万 =
 * (1×100 + 2×10) × 10⁴) and units multiply whatever precedes them.
 */
#include "scan/scan_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *s;
    int digit;  /* 0–9, or -1 */
    double mul; /* 10, 100, 1000, 1e4, 1e8 for unit characters, else 0 */
} cn_char;

static const cn_char CN[] = {
    {"零", 0, 0},     {"〇", 0, 0},    {"一", 1, 0},    {"壹", 1, 0},    {"二", 2, 0},
    {"两", 2, 0},     {"贰", 2, 0},    {"貳", 2, 0},    {"兩", 2, 0},    {"三", 3, 0},
    {"叁", 3, 0},     {"參", 3, 0},    {"四", 4, 0},    {"肆", 4, 0},    {"五", 5, 0},
    {"伍", 5, 0},     {"六", 6, 0},    {"陆", 6, 0},    {"陸", 6, 0},    {"七", 7, 0},
    {"柒", 7, 0},     {"八", 8, 0},    {"捌", 8, 0},    {"九", 9, 0},    {"玖", 9, 0},
    {"十", -1, 10},   {"拾", -1, 10},  {"百", -1, 100}, {"佰", -1, 100}, {"千", -1, 1000},
    {"仟", -1, 1000}, {"万", -1, 1e4}, {"萬", -1, 1e4}, {"亿", -1, 1e8}, {"億", -1, 1e8},
};

/* Every entry of CN is one character of U+3007 or U+4E00-U+9FFF: three bytes, the first
 * 0xE3-0xE9. */
static const cn_char *cn_at(const char *s, size_t len, size_t *clen)
{
    if (len < 3 || (unsigned char)s[0] < 0xE3 || (unsigned char)s[0] > 0xE9) return NULL;
    for (size_t i = 0; i < sizeof CN / sizeof *CN; i++)
        if (!memcmp(s, CN[i].s, 3)) {
            *clen = 3;
            return &CN[i];
        }
    return NULL;
}

/* ASCII digits with commas and a decimal point; returns bytes consumed. */
static size_t parse_arabic(const char *s, size_t len, double *v)
{
    char buf[64];
    size_t n = 0, i = 0;
    int seen_digit = 0;
    for (; i < len && n < sizeof buf - 1; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            buf[n++] = c;
            seen_digit = 1;
        } else if (c == ',' && seen_digit && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')
            continue;
        else if (c == '.' && seen_digit && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')
            buf[n++] = c;
        else
            break;
    }
    if (!seen_digit) return 0;
    buf[n] = 0;
    *v = strtod(buf, NULL);
    return i;
}

/* Arabic or Chinese numerals, with 十/百/千/万/亿 multipliers after either ("4000万" = 4e7). */
size_t scan_parse_cn_number(const char *s, size_t len, double *value)
{
    double total = 0, section = 0, digit = 0;
    int any = 0;
    size_t i = 0, cl;
    double a;
    size_t an = parse_arabic(s, len, &a);
    if (an) {
        digit = a;
        any = 1;
        i = an;
    }
    while (i < len) {
        const cn_char *c = cn_at(s + i, len - i, &cl);
        if (!c) break;
        if (an && c->digit >= 0) break; /* "2024年一" — digits after Arabic ones end the number */
        any = 1;
        i += cl;
        if (c->digit >= 0) {
            digit = c->digit;
        } else if (c->mul >= 1e4) {
            section += digit;
            total = (total + section) * c->mul;
            if (c->mul == 1e4 && total >= 1e8 * 1e4) total /= 1e4; /* 亿万 misuse guard */
            section = digit = 0;
        } else {
            section += (digit ? digit : 1) * c->mul;
            digit = 0;
        }
    }
    if (!any) return 0;
    *value = total + section + digit;
    return i;
}

static int starts(const char *s, size_t len, const char *p)
{
    /* strncasecmp can only match first bytes that are equal up to bit 0x20 */
    if (!len || ((unsigned char)s[0] | 0x20) != ((unsigned char)p[0] | 0x20)) return 0;
    size_t n = strlen(p);
    return n <= len && !strncasecmp(s, p, n);
}

static const struct {
    const char *marker;
    const char *code;
} CUR[] = {{"HK$", "HKD"},    {"US$", "USD"},    {"USD", "USD"},  {"HKD", "HKD"},
           {"RMB", "CNY"},    {"CNY", "CNY"},    {"EUR", "EUR"},  {"€", "EUR"},
           {"£", "GBP"},      {"人民币", "CNY"}, {"港币", "HKD"}, {"港元", "HKD"},
           {"港幣", "HKD"},   {"美元", "USD"},   {"欧元", "EUR"}, {"新台币", "TWD"},
           {"¥", "CNY"},      {"$", "USD"},      {"yuan", "CNY"}, {"renminbi", "CNY"},
           {"dollars", "USD"}};

static const char *currency_at(const char *s, size_t len, size_t *n)
{
    for (size_t i = 0; i < sizeof CUR / sizeof *CUR; i++)
        if (starts(s, len, CUR[i].marker)) {
            *n = strlen(CUR[i].marker);
            return CUR[i].code;
        }
    return NULL;
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

int scan_parse_amount(const char *s, size_t len, double *value, char currency[8])
{
    const char *code = NULL;
    size_t i = skip_space(s, len, 0), n;
    const char *c = currency_at(s + i, len - i, &n);
    if (c) {
        code = c;
        i = skip_space(s, len, i + n);
    }
    double v;
    size_t used = scan_parse_cn_number(s + i, len - i, &v);
    if (!used) return -1;
    i = skip_space(s, len, i + used);
    static const struct {
        const char *unit;
        double mul;
    } U[] = {{"亿元", 1e8},     {"万元", 1e4}, {"千元", 1e3},    {"元", 1},
             {"亿", 1e8},       {"万", 1e4},   {"million", 1e6}, {"billion", 1e9},
             {"thousand", 1e3}, {"mn", 1e6},   {"bn", 1e9},      {"m ", 1e6}};
    for (size_t k = 0; k < sizeof U / sizeof *U; k++)
        if (starts(s + i, len - i, U[k].unit)) {
            v *= U[k].mul;
            i = skip_space(s, len, i + strlen(U[k].unit));
            break;
        }
    if (!code && (c = currency_at(s + i, len - i, &n))) code = c;
    snprintf(currency, 8, "%s", code ? code : "CNY");
    *value = v;
    return 0;
}
