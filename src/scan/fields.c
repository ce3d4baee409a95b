/*
 * fields.c — the facts of a notice (project number, title, buyer, agency, supplier, amount, date,
 * quantities, notice type) found with PCRE2 patterns over the normalised text.
 *
 * Notices follow 财办库〔2020〕50号 headings, so each field is a prioritised list of labels
 * followed by a separator (":" or a table bar "|", NFKC has already made "：" ":") and a value
 * that runs to the end of the line or table cell. Priorities encode what the TENDERS.md review
 * learned: the 采购人信息/名称 block before any loose "采购单位"; the award amount in the body
 * before the rounded summary table (总中标金额); 采购代理机构 is the agency, never the supplier.
 * Values are copied from the text as printed (before traditional folding) through aligned offsets.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scan/hs_dl.h"
#include "scan/scan_internal.h"
#include "xgate/error.h"

#include <limits.h>
#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

enum {
    P_PROJNO,
    P_TITLE,
    P_BUYER_BLOCK,
    P_BUYER,
    P_AGENCY_BLOCK,
    P_AGENCY,
    P_SUPPLIER,
    P_AMOUNT_AWARD,
    P_AMOUNT_BUDGET,
    P_AMOUNT_SUMMARY,
    P_AMOUNT_LOOSE,
    P_AMOUNT_EN,
    P_DATE_LABEL,
    P_DATE,
    P_TOKENS,
    P_TOKENS_EN,
    P_GPUS,
    P_GPUS_EN,
    P_SERVERS,
    P_GPU_HOURS,
    P_ORG_EN,
    P_ORG_ZH,
    P_MODEL_NAME,
    P_ORG_HEAD,
    P_GPU_EACH,
    P_GPU_NCARD,
    P_GPU_CARDN,
    P_GPU_EACH_EN,
    P_GPU_TIMES,
    P_COUNT
};

#define SEP "\\s*[:|][\\s:|]*"
#define VAL "([^\\n|]{1,200})"
#define NUM_CN "[0-9零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟,.]"
#define CUR_CN "(?:人民币|港币|港元|美元|HK\\$|US\\$|USD|HKD|RMB|CNY|¥|\\$)"

static const char *const SRC[P_COUNT] = {
    [P_PROJNO] = "(?:招标项目编号|采购项目编号|项目编号|招标编号|采购编号|项目代码|标段\\(包\\)编号"
                 "|(?i:(?:tender|project|contract)\\s+(?:number|no\\.?|ref(?:erence)?\\.?)))" SEP
                 "([^\\s|,;]{3,80})",
    [P_TITLE] =
        "(?:采购项目名称|招标项目名称|项目名称|标段\\(包\\)名称|(?i:project\\s+(?:name|title)))" SEP
            VAL,
    [P_BUYER_BLOCK] = "采购人信息\\s*\\n?\\s*名称" SEP VAL,
    [P_BUYER] = "(?:采购人名称|采购单位名称|招标人名称|采购人|采购单位|招标人|采购方|采购主体"
                "|(?i:procuring\\s+entity|purchaser|buyer))" SEP VAL,
    [P_AGENCY_BLOCK] = "(?:采购代理机构信息|代理机构信息)\\s*\\n?\\s*名称" SEP VAL,
    [P_AGENCY] =
        "(?:采购代理机构名称|代理机构名称|采购代理机构|招标代理机构|代理机构|招标机构)" SEP VAL,
    [P_SUPPLIER] = "(?:拟定供应商名称|拟定供应商|中标\\(成交\\)供应商名称|中标\\(成交\\)供应商"
                   "|成交供应商名称|中标供应商名称|成交供应商|中标供应商|(?<!投标)供应商名称"
                   "|中标人名称|中标人|成交人|中标单位|成交单位"
                   "|(?i:successful\\s+(?:tenderer|bidder)|awarded\\s+to|contractor))" SEP VAL,
    [P_AMOUNT_AWARD] =
        "(?<!总)(?:中标\\(成交\\)金额|中标\\(成交\\)价格|中标金额|成交金额|中标价格|中标价"
        "|成交价|合同金额|总价为|总价|(?i:contract\\s+(?:value|amount)|award(?:ed)?\\s+amount))"
        "(\\((?:元|万元)\\))?\\s*[:|]?[\\s:|]*(" CUR_CN "?\\s*" NUM_CN "+[^\\n|]{0,12})",
    [P_AMOUNT_BUDGET] =
        "(?:预算金额|采购预算|项目预算|最高限价|控制价|预算|(?i:budget|estimated\\s+value))"
        "(\\((?:元|万元)\\))?\\s*[:|]?[\\s:|]*(" CUR_CN "?\\s*" NUM_CN "+[^\\n|]{0,12})",
    [P_AMOUNT_SUMMARY] = "(?:总中标金额|总成交金额)(\\((?:元|万元)\\))?\\s*[:|]?[\\s:|]*"
                         "(" CUR_CN "?\\s*" NUM_CN "+[^\\n|]{0,12})",
    [P_AMOUNT_LOOSE] =
        "(" CUR_CN "\\s*[0-9][0-9,.]*\\s*(?:万元|亿元|元|万)?|[0-9][0-9,.]*\\s*(?:万元|亿元))",
    [P_AMOUNT_EN] =
        "(?i)((?:HK\\$|US\\$|\\$|RMB|USD|HKD|CNY)\\s*[0-9][0-9,.]*(?:\\s*(?:million|billion|"
        "thousand|mn|bn)\\b)?"
        "|\\b[0-9][0-9,.]*(?:\\s*(?:million|billion|thousand))?\\s*(?:yuan|renminbi|RMB|"
        "US\\s+dollars|dollars|Hong\\s+Kong\\s+dollars)\\b)",
    [P_DATE_LABEL] =
        "(?:公告发布日期|发布时间|发布日期|公告时间|公示时间|成交日期|中标日期|(?i:date\\s+of\\s+(?"
        ":issue|award)))"
        "\\s*[:|]?[\\s:|]*([0-9]{4})\\s*[年\\-/.]\\s*([0-9]{1,2})\\s*[月\\-/.]\\s*([0-9]{1,2})",
    [P_DATE] = "([0-9]{4})\\s*[年\\-/.]\\s*([0-9]{1,2})\\s*[月\\-/.]\\s*([0-9]{1,2})",
    [P_TOKENS] = "(?i)([0-9][0-9,.]*\\s*(?:千万|百万|万|亿)?|[零〇一二两三四五六七八九十百千万亿]+)"
                 "\\s*(?:个)?\\s*"
                 "(?:tokens?|令牌)",
    [P_TOKENS_EN] = "(?i)\\b([0-9][0-9,.]*)\\s*(million|billion|thousand)?\\s+(?:[A-Za-z][\\w-]*"
                    "\\s+){0,4}tokens\\b",
    [P_GPUS] = "([0-9][0-9,]*)\\s*(?:张|块|片)\\s*(?:GPU卡|GPU|显卡|加速卡|计算卡|卡)"
               "|([0-9][0-9,]*)\\s*(?:GPU卡|张GPU|块GPU|卡)(?!时)",
    [P_GPUS_EN] = "(?i)\\b([0-9][0-9,]*)\\s+(?:[A-Za-z0-9-]+\\s+){0,2}GPUs\\b",
    [P_SERVERS] =
        "([0-9][0-9,]*)\\s*(?:台|个)\\s*(?:GPU)?\\s*(?:云)?服务器|(?i)\\b([0-9][0-9,]*)\\s+"
        "(?:cloud\\s+|GPU\\s+)?servers\\b",
    [P_GPU_HOURS] = "(?i)([0-9][0-9,.]*)\\s*(万)?\\s*(?:卡时|GPU小时|GPU[-\\s]hours?)",
    [P_ORG_EN] =
        "((?:[A-Z][\\w&'’-]*(?:\\s+(?:of|for|and|the|on))?\\s+){1,6}"
        "(?:University|Institute|Laboratory|Lab|Academy|College|Technology|Technologies|"
        "Group|Corporation|Company|Centre|Center|Co\\.,?\\s*Ltd\\.?|Ltd\\.?|Limited|Inc\\.?)"
        "(?:\\s+(?:of|for)(?:\\s+(?:and\\s+)?[A-Z][\\w-]*)+)?)",
    [P_ORG_ZH] =
        "(?<![\\p{Han})A-Za-z0-9])((?:\\p{Han}|\\(\\p{Han}{1,8}\\)){2,30}?"
        "(?:股份有限公司|有限责任公司|有限公司|大学|学院|研究院|研究所|实验室|研究中心|集团))"
        "(?!\\p{Han})",
    /* the organisation a heading opens with (深圳大学AWS云服务器…公告): the longest run of Han
     * ending in an organisation suffix, from the heading's first character (\\G) */
    [P_ORG_HEAD] =
        "\\G((?:\\p{Han}|\\(\\p{Han}{1,8}\\)){1,40}"
        "(?:股份有限公司|有限责任公司|有限公司|大学|学院|研究院|研究所|实验室|研究中心|集团))",
    [P_MODEL_NAME] = "(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9.-]{3,30})\\s*(?:大模型|模型)",
    /* GPUs as servers × cards a server: "500 台服务器,每台 8 卡", "10台8卡GPU服务器",
     * "8卡服务器10台", "64 servers with 8 H100 GPUs each", "16 x 8 GPU" */
    [P_GPU_EACH] =
        "([0-9][0-9,]*)\\s*台[^\\n。;]{0,24}?每台(?:服务器)?\\s*(?:配置|配备|搭载|含|包含|配)?"
        "\\s*([0-9][0-9,]*)\\s*(?:张|块|片)?\\s*(?:[A-Za-z0-9-]+\\s*)?"
        "(?:GPU卡|GPU|显卡|加速卡|计算卡|卡)",
    [P_GPU_NCARD] = "([0-9][0-9,]*)\\s*台\\s*([0-9][0-9,]*)\\s*卡\\s*(?:[A-Za-z0-9-]+\\s*)?"
                    "(?:GPU)?\\s*(?:云)?(?:服务器|主机|节点|机器)",
    [P_GPU_CARDN] = "(?<![0-9])([0-9][0-9,]*)\\s*卡\\s*(?:[A-Za-z0-9-]+\\s*)?(?:GPU)?\\s*(?:云)?"
                    "(?:服务器|主机|节点|机器)\\s*([0-9][0-9,]*)\\s*台",
    [P_GPU_EACH_EN] =
        "(?i)\\b([0-9][0-9,]*)\\s+(?:GPU\\s+|cloud\\s+)?(?:servers|nodes|machines|instances)"
        "\\s+(?:each\\s+)?(?:with|of|having)\\s+([0-9][0-9,]*)\\s+"
        "(?:[A-Za-z0-9-]+\\s+){0,2}GPUs\\b",
    [P_GPU_TIMES] =
        "(?<![0-9.])([0-9][0-9,]*)\\s*(?:台|nodes?|servers?)?\\s*[x×*]\\s*([0-9][0-9,]*)\\s*"
        "(?:张|块|片)?\\s*(?:[A-Za-z]*[0-9]+[A-Za-z]*\\s*)?(?:GPU|卡|显卡)",
};

/* ---- notice type words (notice_type below; the gate looks for them too) ---- */

typedef struct {
    const char *type;
    const char *words[16];
} type_rule;

static const type_rule TYPES[] = {
    {"correction", {"更正", "澄清", "变更", "补遗", "Corrigendum", "Addendum", NULL}},
    {"termination", {"终止", "废标", "流标", "取消公告", NULL}},
    {"contract", {"合同公告", "合同公示", "Contract Award Notice", NULL}},
    {"single_source", {"单一来源", "直接采购", "Single Source", NULL}},
    {"intention", {"采购意向", "意见征求", "征求意见", "征集", "预公告", "预公示", NULL}},
    {"result",
     {"结果公告", "中标公告", "成交公告", "中标(成交)", "成交结果", "中标结果", "候选人公示",
      "结果公示", "中标候选人", "Award Notice", NULL}},
    {"procurement",
     {"招标公告", "磋商公告", "谈判公告", "询价公告", "询比", "比选", "采购公告", "公开招标",
      "邀请招标", "竞争性", "招标", "采购项目", "Tender", "Invitation", NULL}},
};

/* Words the notice type is read from in the whole text (notice_type). */
static const char *const BODY_WORDS[] = {"拟定供应商", "中标(成交)信息", "中标人", "预算金额",
                                         "采购需求"};
#define NTYPES (sizeof TYPES / sizeof *TYPES)
#define NBODY (sizeof BODY_WORDS / sizeof *BODY_WORDS)
/* The gate: literals of which every match of a pattern contains at least one (read off the
 * pattern above; caseless where the pattern is), found in one Hyperscan pass over a document, so
 * that a pattern none of whose literals occurs is not run at all: most notices name no tokens,
 * GPUs or servers, and a pattern that opens with digits or a common first byte is otherwise tried
 * at every position. It only skips matches that cannot exist, so the fields are the same. Caseless
 * PCRE2 also folds U+212A (K) and U+017F (s) to ASCII; NFKC has removed them from the text, and a
 * document that holds either anyway is not gated (GATE_OFF). A pattern with no literal here
 * (P_DATE) always runs: ungated() works that out from the table, so a pattern added without
 * literals is never skipped. */
/* The gate's bits past the patterns': one of TYPES[t]'s words occurs (T_TYPE0 + t), or
 * BODY_WORDS[w] does (T_BODY0 + w), so notice_type looks for a word only where it occurs. */
#define T_TYPE0 40
#define T_BODY0 (T_TYPE0 + (int)NTYPES)
#define GATE_OFF 63
#define CI 1
typedef struct {
    int id; /* a pattern, or GATE_OFF */
    const char *lit;
    int caseless;
} gate_literal;

static const gate_literal GATE[] = {
    {P_PROJNO, "编号", 0},
    {P_PROJNO, "项目代码", 0},
    {P_PROJNO, "tender", CI},
    {P_PROJNO, "project", CI},
    {P_PROJNO, "contract", CI},
    {P_TITLE, "项目名称", 0},
    {P_TITLE, "标段(包)名称", 0},
    {P_TITLE, "project", CI},
    {P_BUYER_BLOCK, "采购人信息", 0},
    {P_BUYER, "采购人", 0},
    {P_BUYER, "采购单位", 0},
    {P_BUYER, "招标人", 0},
    {P_BUYER, "采购方", 0},
    {P_BUYER, "采购主体", 0},
    {P_BUYER, "procuring", CI},
    {P_BUYER, "purchaser", CI},
    {P_BUYER, "buyer", CI},
    {P_AGENCY_BLOCK, "代理机构信息", 0},
    {P_AGENCY, "机构", 0},
    {P_SUPPLIER, "供应商", 0},
    {P_SUPPLIER, "中标人", 0},
    {P_SUPPLIER, "成交人", 0},
    {P_SUPPLIER, "中标单位", 0},
    {P_SUPPLIER, "成交单位", 0},
    {P_SUPPLIER, "successful", CI},
    {P_SUPPLIER, "awarded", CI},
    {P_SUPPLIER, "contractor", CI},
    {P_AMOUNT_AWARD, "中标", 0},
    {P_AMOUNT_AWARD, "成交", 0},
    {P_AMOUNT_AWARD, "合同金额", 0},
    {P_AMOUNT_AWARD, "总价", 0},
    {P_AMOUNT_AWARD, "contract", CI},
    {P_AMOUNT_AWARD, "award", CI},
    {P_AMOUNT_BUDGET, "预算", 0},
    {P_AMOUNT_BUDGET, "最高限价", 0},
    {P_AMOUNT_BUDGET, "控制价", 0},
    {P_AMOUNT_BUDGET, "budget", CI},
    {P_AMOUNT_BUDGET, "estimated", CI},
    {P_AMOUNT_SUMMARY, "总中标金额", 0},
    {P_AMOUNT_SUMMARY, "总成交金额", 0},
    {P_AMOUNT_LOOSE, "人民币", 0},
    {P_AMOUNT_LOOSE, "港币", 0},
    {P_AMOUNT_LOOSE, "港元", 0},
    {P_AMOUNT_LOOSE, "美元", 0},
    {P_AMOUNT_LOOSE, "$", 0},
    {P_AMOUNT_LOOSE, "USD", 0},
    {P_AMOUNT_LOOSE, "HKD", 0},
    {P_AMOUNT_LOOSE, "RMB", 0},
    {P_AMOUNT_LOOSE, "CNY", 0},
    {P_AMOUNT_LOOSE, "¥", 0},
    {P_AMOUNT_LOOSE, "万元", 0},
    {P_AMOUNT_LOOSE, "亿元", 0},
    {P_AMOUNT_EN, "$", 0},
    {P_AMOUNT_EN, "rmb", CI},
    {P_AMOUNT_EN, "usd", CI},
    {P_AMOUNT_EN, "hkd", CI},
    {P_AMOUNT_EN, "cny", CI},
    {P_AMOUNT_EN, "yuan", CI},
    {P_AMOUNT_EN, "renminbi", CI},
    {P_AMOUNT_EN, "dollars", CI},
    {P_DATE_LABEL, "发布", 0},
    {P_DATE_LABEL, "公告时间", 0},
    {P_DATE_LABEL, "公示时间", 0},
    {P_DATE_LABEL, "日期", 0},
    {P_DATE_LABEL, "date", CI},
    {P_TOKENS, "token", CI},
    {P_TOKENS, "令牌", 0},
    {P_TOKENS_EN, "tokens", CI},
    {P_GPUS, "GPU", 0},
    {P_GPUS, "卡", 0},
    {P_GPUS_EN, "gpus", CI},
    {P_SERVERS, "服务器", 0},
    {P_SERVERS, "servers", CI},
    {P_GPU_HOURS, "卡时", 0},
    {P_GPU_HOURS, "gpu", CI},
    {P_ORG_EN, "University", 0},
    {P_ORG_EN, "Institute", 0},
    {P_ORG_EN, "Lab", 0},
    {P_ORG_EN, "Academy", 0},
    {P_ORG_EN, "College", 0},
    {P_ORG_EN, "Technolog", 0},
    {P_ORG_EN, "Group", 0},
    {P_ORG_EN, "Corporation", 0},
    {P_ORG_EN, "Company", 0},
    {P_ORG_EN, "Centre", 0},
    {P_ORG_EN, "Center", 0},
    {P_ORG_EN, "Ltd", 0},
    {P_ORG_EN, "Limited", 0},
    {P_ORG_EN, "Inc", 0},
    {P_ORG_ZH, "公司", 0},
    {P_ORG_ZH, "大学", 0},
    {P_ORG_ZH, "学院", 0},
    {P_ORG_ZH, "研究", 0},
    {P_ORG_ZH, "实验室", 0},
    {P_ORG_ZH, "集团", 0},
    {P_ORG_HEAD, "公司", 0},
    {P_ORG_HEAD, "大学", 0},
    {P_ORG_HEAD, "学院", 0},
    {P_ORG_HEAD, "研究", 0},
    {P_ORG_HEAD, "实验室", 0},
    {P_ORG_HEAD, "集团", 0},
    {P_MODEL_NAME, "模型", 0},
    {P_GPU_EACH, "每台", 0},
    {P_GPU_NCARD, "卡", 0},
    {P_GPU_CARDN, "卡", 0},
    {P_GPU_EACH_EN, "gpus", CI},
    {P_GPU_TIMES, "GPU", 0},
    {P_GPU_TIMES, "卡", 0},
    {GATE_OFF, "\xE2\x84\xAA", 0},
    {GATE_OFF, "\xC5\xBF", 0},
};
#define NGATE (sizeof GATE / sizeof *GATE)
_Static_assert(P_COUNT <= T_TYPE0 && T_BODY0 + NBODY <= GATE_OFF,
               "the gate's bits: one per pattern, the notice type's, then GATE_OFF");
#define NLITS (NGATE + NTYPES * 16 + NBODY)

/* Every literal of the gate: GATE's, then the notice type's words (as memmem finds them: case
 * kept). Returns how many. */
static size_t gate_literals(gate_literal *out)
{
    size_t n = 0;
    for (size_t i = 0; i < NGATE; i++)
        out[n++] = GATE[i];
    for (size_t t = 0; t < NTYPES; t++)
        for (int w = 0; TYPES[t].words[w]; w++)
            out[n++] = (gate_literal){T_TYPE0 + (int)t, TYPES[t].words[w], 0};
    for (size_t w = 0; w < NBODY; w++)
        out[n++] = (gate_literal){T_BODY0 + (int)w, BODY_WORDS[w], 0};
    return n;
}

/* Windows: for the patterns below, every match starts at most `span` bytes before the start of an
 * occurrence of one of its GATE literals that it contains (read off the pattern: the literal's
 * furthest offset from the start of any alternative, e.g. 供应商 in 中标(成交)供应商 at 14). So
 * a pattern needs to be tried only at the start positions from span bytes before each occurrence
 * up to the occurrence itself (PCRE2's offset limit), not at every position of a document: these
 * patterns open with a Han character or a class, and PCRE2 stops at every Han character of a
 * notice. A match is the leftmost as before: every start position from which a match can begin is
 * inside some occurrence's window, and the windows are tried in order. For an organisation
 * (P_ORG_ZH) everything between a match's start and its suffix literal is Han or parentheses, so
 * its window also stops at the first other ASCII byte before the occurrence. The gate's Hyperscan
 * pass reports every occurrence of these literals (the others once). */
static const struct {
    int id, span;
} WINDOWED[] = {
    {P_PROJNO, 12},      /* 编号 in 招标项目编号, 采购项目编号 */
    {P_TITLE, 6},        /* 项目名称 in 采购项目名称 */
    {P_BUYER, 0},        /* every label opens with its literal */
    {P_AGENCY, 12},      /* 机构 in 采购代理机构名称 */
    {P_SUPPLIER, 14},    /* 供应商 in 中标(成交)供应商 */
    {P_AMOUNT_AWARD, 0}, /* 中标, 成交, 合同金额, 总价, contract, award open every label */
    {P_AMOUNT_BUDGET, 6},     /* 预算 in 采购预算, 项目预算 */
    {P_DATE_LABEL, 6},        /* 发布 in 公告发布日期, 日期 in 成交日期 */
    {P_ORG_ZH, 30 * 34 + 12}, /* 30 × (a Han character, 4 bytes at most, or "(" 8 of them ")"),
                                 then 股份有限 before 公司 */
    /* the quantities open with a number of any length: unbounded, walked back (WALK) */
    {P_GPUS, -1},
    {P_GPU_TIMES, -1},
    {P_GPU_NCARD, -1},
    {P_GPU_CARDN, -1},
    {P_SERVERS, -1},
    {P_TOKENS, -1},
    {P_GPU_HOURS, -1},
    {P_AMOUNT_LOOSE, -1},
};
#define NWINDOWED (sizeof WINDOWED / sizeof *WINDOWED)

/* Walked windows: in a match of these patterns, every character before its first GATE literal is
 * one of `ascii` or `wide` (read off the pattern: the number, its separators, \s — ASCII
 * whitespace, PCRE2 without UCP — and the words between the number and the literal, e.g. 显 of
 * 显卡, 台 of "10台8卡"), so a window runs back from an occurrence over such characters only (and
 * not past the positions tried already). A walk that takes more characters than the pattern
 * could only costs time; one that takes fewer would lose matches. */
#define WS " \t\n\v\f\r"
#define DIGITS "0123456789"
#define LETTERS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
static const struct {
    const char *ascii, *wide;
} WALK[P_COUNT] = {
    /* [0-9][0-9,]* \s* (张|块|片) \s* (GPU卡|GPU|显卡|加速卡|计算卡|卡) | … (张GPU|块GPU|…) */
    [P_GPUS] = {DIGITS "," WS, "张块片显加速计算"},
    /* [0-9][0-9,]* \s* (台|nodes?|servers?)? \s* [x×*] \s* [0-9][0-9,]* \s* (张|块|片)? \s*
     * ([A-Za-z]*[0-9]+[A-Za-z]* \s*)? (GPU|卡|显卡) */
    [P_GPU_TIMES] = {DIGITS LETTERS ",*" WS, "×台张块片显"},
    [P_GPU_NCARD] = {DIGITS "," WS, "台"},           /* 10 台 8 卡 */
    [P_GPU_CARDN] = {DIGITS "," WS, ""},             /* 8 卡 */
    [P_SERVERS] = {DIGITS LETTERS "," WS, "台个云"}, /* 10 台 GPU 云服务器, 10 cloud servers */
    [P_TOKENS] = {DIGITS ",." WS, "千百万亿个零〇一二两三四五六七八九十"}, /* 1.5 万亿 个 token */
    [P_GPU_HOURS] = {DIGITS ",." WS, "万"},                                /* 5 万 卡时 */
    /* a currency (人民币, HK$, US$ …: letters before "$") or a number before 万元/亿元 */
    [P_AMOUNT_LOOSE] = {DIGITS ",." WS "HKUS", ""},
};

/* Whether the character s[0, n) is one of the UTF-8 string `set`'s. */
static int wide_has(const char *set, const unsigned char *s, size_t n)
{
    for (const unsigned char *x = (const unsigned char *)set; *x;) {
        size_t l = *x < 0x80 ? 1 : *x < 0xE0 ? 2 : *x < 0xF0 ? 3 : 4;
        if (l == n && !memcmp(x, s, n)) return 1;
        x += l;
    }
    return 0;
}

/* The start of the run of pattern `id`'s WALK characters that ends at k, not before lo. */
static size_t walk_back(int id, const unsigned char *t, size_t k, size_t lo)
{
    while (k > lo) {
        unsigned char c = t[k - 1];
        if (c < 0x80) {
            if (!c || !strchr(WALK[id].ascii, c)) break;
            k--;
            continue;
        }
        size_t b = k - 1; /* the character's first byte */
        while (b > lo && (t[b] & 0xC0) == 0x80)
            b--;
        if ((t[b] & 0xC0) == 0x80 || !wide_has(WALK[id].wide, t + b, k - b)) break;
        k = b;
    }
    return k;
}

/* The patterns no literal of GATE stands for: they run on every document. */
static uint64_t ungated(void)
{
    uint64_t m = ((uint64_t)1 << P_COUNT) - 1;
    for (size_t i = 0; i < NGATE; i++)
        if (GATE[i].id != GATE_OFF) m &= ~((uint64_t)1 << GATE[i].id);
    return m;
}

/* What the gate found in the current document. */
typedef struct {
    uint64_t may; /* bit i set when pattern i may match (all set when ungated) */
    uint64_t win; /* bit i set when pattern i is searched in windows (its occurrences below) */
    const scan_doc *doc;    /* the document gated, with its text and length */
    const scan_doc *primed; /* gated by the lexicon's pass (scan_gate_end), not yet extracted */
    const char *text;
    size_t len;
    size_t *pos[P_COUNT]; /* a windowed pattern: where its literals start, sorted, no repeats */
    size_t npos[P_COUNT], cap[P_COUNT];
} gate_hits;

/* One match-data block reused for every match: a scanner is used by one thread at a time. */
struct scan_patterns {
    pcre2_code *re[P_COUNT];
    pcre2_match_data *md;
    pcre2_match_context *mc; /* the offset limit of a window */
    int borrowed; /* a clone: the compiled code belongs to the patterns it was cloned from */
    hs_database_t *gate_db; /* NULL: nothing is gated */
    hs_scratch_t *gate_scratch;
    gate_hits *hits;   /* this document (a pointer: the patterns are const while matching) */
    uint64_t always;   /* patterns no gate literal stands for (ungated()): they always run */
    uint64_t windowed; /* patterns of WINDOWED */
    int span[P_COUNT];
    gate_literal lits[NLITS]; /* gate_literals(): the gate's ids index it */
    unsigned char lit_len[NLITS];
    size_t nlits;
};

/* The gate's database is kept between runs (cache.c) as fieldgate-<key>.hsdb, keyed by the
 * table (each literal, its flags and id), Hyperscan's version and platform and the binary: its
 * compile costs more than the rest of the scanner's start. */
#define GATE_MAGIC "XGFGHS01"

/* Off (scan_patterns_set_gate): patterns compiled after this run on every document (tests). */
static _Atomic int gate_disabled;

void scan_patterns_set_gate(int on)
{
    gate_disabled = !on;
}

static XXH128_hash_t gate_key(const scan_patterns *p, const char *const *exprs, const size_t *lens,
                              const unsigned *flags)
{
    XXH3_state_t *st = XXH3_createState();
    XXH128_hash_t h = {0, 0};
    if (!st) return h;
    XXH3_128bits_reset(st);
    scan_cache_hs_key(st);
    uint8_t id[16];
    xg_build_id(id);
    XXH3_128bits_update(st, id, sizeof id);
    size_t n = p->nlits;
    XXH3_128bits_update(st, &n, sizeof n);
    for (size_t i = 0; i < n; i++) {
        XXH3_128bits_update(st, exprs[i], lens[i] + 1);
        XXH3_128bits_update(st, &flags[i], sizeof flags[i]);
        XXH3_128bits_update(st, &p->lits[i].id, sizeof p->lits[i].id);
    }
    h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    return h;
}

/* Literal i's Hyperscan flags: every occurrence of a windowed pattern's literals, one of the
 * others'. */
static unsigned lit_flags(const scan_patterns *p, size_t i)
{
    const gate_literal *L = p->lits;
    return ((p->windowed >> L[i].id) & 1 ? 0 : HS_FLAG_SINGLEMATCH) |
           (L[i].caseless ? HS_FLAG_CASELESS : 0);
}

/* The gate's database; on any failure there is none and every pattern runs. */
static void gate_compile(scan_patterns *p)
{
    if (gate_disabled) return;
    if (xg_hs_load()) {
        xg_error_clear();
        return;
    }
    const char *exprs[NLITS];
    size_t lens[NLITS];
    unsigned flags[NLITS], ids[NLITS];
    const gate_literal *L = p->lits;
    for (size_t i = 0; i < p->nlits; i++) {
        exprs[i] = L[i].lit;
        lens[i] = strlen(L[i].lit);
        flags[i] = lit_flags(p, i);
        ids[i] = (unsigned)i;
    }
    char file[4200];
    XXH128_hash_t key = gate_key(p, exprs, lens, flags);
    int cached = !xg_cache_path(file, sizeof file, "fieldgate", "hsdb", key);
    p->gate_db = cached ? scan_cache_hs_get(file, GATE_MAGIC, key) : NULL;
    hs_compile_error_t *err = NULL;
    if (!p->gate_db) {
        if (sym_hs_compile_lit_multi(exprs, flags, ids, lens, (unsigned)p->nlits, HS_MODE_BLOCK,
                                     NULL, &p->gate_db, &err) != HS_SUCCESS) {
            sym_hs_free_compile_error(err);
            p->gate_db = NULL;
        } else if (cached)
            scan_cache_hs_put(file, GATE_MAGIC, key, p->gate_db);
    }
    if (p->gate_db && sym_hs_alloc_scratch(p->gate_db, &p->gate_scratch) != HS_SUCCESS) {
        sym_hs_free_database(p->gate_db);
        p->gate_db = NULL;
    }
}

static int on_gate(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                   void *ctx)
{
    (void)from;
    (void)flags;
    const scan_patterns *p = ctx;
    gate_hits *h = p->hits;
    int pat = p->lits[id].id;
    h->may |= (uint64_t)1 << pat;
    if (!((h->win >> pat) & 1)) return 0;
    size_t at = (size_t)to - p->lit_len[id];
    if (h->npos[pat] == h->cap[pat]) {
        size_t nc = h->cap[pat] ? 2 * h->cap[pat] : 64;
        size_t *nv = realloc(h->pos[pat], nc * sizeof *nv);
        if (!nv) { /* this pattern is searched everywhere in this document */
            h->win &= ~((uint64_t)1 << pat);
            return 0;
        }
        h->pos[pat] = nv;
        h->cap[pat] = nc;
    }
    h->pos[pat][h->npos[pat]++] = at;
    return 0;
}

/* Occurrences come in order of their ends: sorted by start (insertion: nearly in order already),
 * repeats dropped. */
static void sort_positions(size_t *v, size_t *n)
{
    for (size_t i = 1; i < *n; i++) {
        size_t x = v[i], j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    size_t w = 0;
    for (size_t i = 0; i < *n; i++)
        if (!w || v[w - 1] != v[i]) v[w++] = v[i];
    *n = w;
}

void scan_gate_begin(const scan_patterns *p, const scan_doc *d)
{
    gate_hits *h = p->hits;
    h->may = 0;
    h->win = p->windowed;
    h->doc = d;
    h->primed = NULL;
    h->text = d->text;
    h->len = d->len;
    memset(h->npos, 0, sizeof h->npos);
}

void scan_gate_hit(void *p, unsigned lit, unsigned long long to)
{
    on_gate(lit, 0, to, 0, p);
}

void scan_gate_end(const scan_patterns *p, const scan_doc *d, int ok)
{
    gate_hits *h = p->hits;
    if (!ok || (h->may & ((uint64_t)1 << GATE_OFF))) {
        h->may = ~(uint64_t)0;
        h->win = 0;
    }
    h->may |= p->always;
    h->win &= ~p->always;
    for (int i = 0; i < P_COUNT; i++)
        if ((h->win >> i) & 1) sort_positions(h->pos[i], &h->npos[i]);
    h->primed = d;
}

int scan_patterns_gate_literals(const scan_patterns *p, const char ***lits, unsigned **flags,
                                size_t *n)
{
    *lits = NULL;
    *flags = NULL;
    *n = 0;
    if (!p->gate_db) return 0;
    *lits = malloc(p->nlits * sizeof **lits);
    *flags = malloc(p->nlits * sizeof **flags);
    if (!*lits || !*flags) {
        free(*lits);
        free(*flags);
        *lits = NULL;
        *flags = NULL;
        return XG_ENOMEM;
    }
    for (size_t i = 0; i < p->nlits; i++) {
        (*lits)[i] = p->lits[i].lit;
        (*flags)[i] = lit_flags(p, i);
    }
    *n = p->nlits;
    return 0;
}

/* Which patterns may match in `d` and where the windowed ones' literals are (into *p->hits);
 * called before the patterns run on it. */
static void gate_document(const scan_patterns *p, const scan_doc *d)
{
    scan_gate_begin(p, d);
    int ok = p->gate_db && d->len <= 0xFFFFFFFFu &&
             sym_hs_scan(p->gate_db, d->text, (unsigned)d->len, 0, p->gate_scratch, on_gate,
                         (void *)p) == HS_SUCCESS;
    scan_gate_end(p, d, ok);
    p->hits->primed = NULL;
}

/* The gate of `d`: scan_fields_extract gates each document; the organisations and model names
 * that scan.c asks for next reuse it. */
static void gate_again(const scan_patterns *p, const scan_doc *d)
{
    const gate_hits *h = p->hits;
    if (h->doc != d || h->text != d->text || h->len != d->len) gate_document(p, d);
}

static gate_hits *hits_new(void)
{
    gate_hits *h = calloc(1, sizeof *h);
    if (h) h->may = ~(uint64_t)0;
    return h;
}

static void hits_free(gate_hits *h)
{
    if (!h) return;
    for (int i = 0; i < P_COUNT; i++)
        free(h->pos[i]);
    free(h);
}

static void windows_init(scan_patterns *p)
{
    p->nlits = gate_literals(p->lits);
    for (size_t i = 0; i < p->nlits; i++)
        p->lit_len[i] = (unsigned char)strlen(p->lits[i].lit);
    for (size_t i = 0; i < NWINDOWED; i++) {
        p->windowed |= (uint64_t)1 << WINDOWED[i].id;
        p->span[WINDOWED[i].id] = WINDOWED[i].span;
    }
}

int scan_patterns_new(scan_patterns **out)
{
    scan_patterns *p = calloc(1, sizeof *p);
    if (!p) return XG_ENOMEM;
    if (!(p->hits = hits_new())) {
        free(p);
        return XG_ENOMEM;
    }
    windows_init(p);
    for (int i = 0; i < P_COUNT; i++) {
        int err;
        PCRE2_SIZE off;
        p->re[i] = pcre2_compile((PCRE2_SPTR)SRC[i], PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_NO_UTF_CHECK |
                                     ((p->windowed >> i) & 1 ? PCRE2_USE_OFFSET_LIMIT : 0),
                                 &err, &off, NULL);
        if (!p->re[i]) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof msg);
            scan_patterns_free(p);
            return xg_error_set(XG_EINTERNAL, "scan field pattern %d at %zu: %s", i, (size_t)off,
                                (char *)msg);
        }
        pcre2_jit_compile(p->re[i], PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    }
    if (!(p->md = pcre2_match_data_create(16, NULL)) ||
        !(p->mc = pcre2_match_context_create(NULL))) {
        scan_patterns_free(p);
        return XG_ENOMEM;
    }
    p->always = ungated();
    gate_compile(p);
    *out = p;
    return 0;
}

/* Compiled PCRE2 code (JIT included) is read-only while matching and may be shared between
 * threads; the match data may not. */
int scan_patterns_clone(scan_patterns **out, const scan_patterns *src)
{
    scan_patterns *p = calloc(1, sizeof *p);
    if (!p) return XG_ENOMEM;
    memcpy(p->re, src->re, sizeof p->re);
    p->borrowed = 1;
    p->hits = hits_new();
    p->md = pcre2_match_data_create(16, NULL);
    p->mc = pcre2_match_context_create(NULL);
    if (!p->hits || !p->md || !p->mc) {
        hits_free(p->hits);
        pcre2_match_data_free(p->md);
        pcre2_match_context_free(p->mc);
        free(p);
        return XG_ENOMEM;
    }
    p->always = src->always;
    p->windowed = src->windowed;
    memcpy(p->span, src->span, sizeof p->span);
    memcpy(p->lits, src->lits, sizeof p->lits);
    memcpy(p->lit_len, src->lit_len, sizeof p->lit_len);
    p->nlits = src->nlits;
    p->gate_db = src->gate_db;
    if (p->gate_db && sym_hs_clone_scratch(src->gate_scratch, &p->gate_scratch) != HS_SUCCESS)
        p->gate_db = NULL; /* this clone runs every pattern */
    *out = p;
    return 0;
}

void scan_patterns_free(scan_patterns *p)
{
    if (!p) return;
    for (int i = 0; i < P_COUNT && !p->borrowed; i++)
        pcre2_code_free(p->re[i]);
    pcre2_match_data_free(p->md);
    pcre2_match_context_free(p->mc);
    if (p->gate_scratch) sym_hs_free_scratch(p->gate_scratch);
    if (p->gate_db && !p->borrowed) sym_hs_free_database(p->gate_db);
    hits_free(p->hits);
    free(p);
}

/* One match of pattern `id` at or after `start`; ov receives group offsets. */
typedef struct {
    size_t s[8], e[8]; /* group 0..7, SIZE_MAX when unset */
} grp;

/* The first match of windowed pattern `id` at or after `start`, tried only in the windows before
 * the occurrences of its literals (WINDOWED). PCRE2's result code, as pcre2_match's. */
static int find_windowed(const scan_patterns *p, int id, const scan_doc *d, size_t start)
{
    const gate_hits *h = p->hits;
    const size_t *pos = h->pos[id], n = h->npos[id];
    const int span = p->span[id]; /* < 0: no bound, the window is walked (WALK) */
    const unsigned char *t = (const unsigned char *)d->text;
    size_t lo = 0, hi = n; /* the first occurrence at or after start: a match holds its literal */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pos[mid] < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t from = start; /* the start positions before it have been tried */
    for (size_t i = lo; i < n; i++) {
        size_t q = pos[i], w = span >= 0 && q > (size_t)span ? q - (size_t)span : 0;
        if (w < from) w = from;
        if (span < 0)
            w = walk_back(id, t, q, w);
        else if (id == P_ORG_ZH) { /* only Han and parentheses between the start and the suffix */
            size_t k = q;
            while (k > w && (t[k - 1] >= 0x80 || t[k - 1] == '(' || t[k - 1] == ')'))
                k--;
            w = k;
        }
        while (w > start && (t[w] & 0xC0) == 0x80) /* a character's first byte */
            w--;
        pcre2_set_offset_limit(p->mc, q);
        int rc = pcre2_match(p->re[id], (PCRE2_SPTR)d->text, d->len, w, PCRE2_NO_UTF_CHECK, p->md,
                             p->mc);
        if (rc != PCRE2_ERROR_NOMATCH) return rc;
        from = q + 1;
    }
    return PCRE2_ERROR_NOMATCH;
}

static int find(const scan_patterns *p, int id, const scan_doc *d, size_t start, grp *g)
{
    if (!(p->hits->may & ((uint64_t)1 << id))) return 0; /* the gate: it cannot match here */
    pcre2_match_data *md = p->md;
    int rc = (p->hits->win >> id) & 1 ? find_windowed(p, id, d, start)
                                      : pcre2_match(p->re[id], (PCRE2_SPTR)d->text, d->len, start,
                                                    PCRE2_NO_UTF_CHECK, md, NULL);
    if (rc > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        for (int i = 0; i < 8; i++) {
            g->s[i] = (i < rc && ov[2 * i] != PCRE2_UNSET) ? ov[2 * i] : SIZE_MAX;
            g->e[i] = (i < rc && ov[2 * i] != PCRE2_UNSET) ? ov[2 * i + 1] : SIZE_MAX;
        }
    }
    return rc > 0;
}

static int is_trim(const char *s, size_t i, size_t *clen)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == ':' || c == ';' || c == ',' || c == '.') return *clen = 1;
    static const char *const W[] = {"。", "，", "；", "、", NULL};
    for (int k = 0; W[k]; k++)
        if (!strncmp(s + i, W[k], strlen(W[k]))) return (int)(*clen = strlen(W[k]));
    return 0;
}

/* Copy [s, e) of the text as printed, trimmed of spaces and trailing punctuation; cut at the
 * first ',' or ';' when `name` (organisation names do not contain them). */
static char *value(xg_arena *a, const scan_doc *d, size_t s, size_t e, int name, size_t *off)
{
    const char *src = d->orig ? d->orig : d->text;
    if (name)
        for (size_t i = s; i < e; i++)
            if (src[i] == ',' || src[i] == ';' || !strncmp(src + i, "，", 3) ||
                !strncmp(src + i, "(盖章)", 8)) {
                e = i;
                break;
            }
    size_t cl;
    while (s < e && (src[s] == ' ' || src[s] == '\t'))
        s++;
    while (e > s) {
        size_t k = e - 1;
        while (k > s && ((unsigned char)src[k] & 0xC0) == 0x80)
            k--;
        if (!is_trim(src, k, &cl)) break;
        e = k;
    }
    if (e <= s) return NULL;
    if (off) *off = s;
    return xg_arena_strndup(a, src + s, e - s);
}

static char *first_value(xg_arena *a, const scan_patterns *p, const scan_doc *d, const int *ids,
                         int name, size_t *off)
{
    grp g;
    for (int k = 0; ids[k] >= 0; k++)
        for (size_t start = 0; start < d->len && find(p, ids[k], d, start, &g);) {
            char *v = value(a, d, g.s[1], g.e[1], name, off);
            if (v) return v;
            start = g.e[0] > start ? g.e[0] : start + 1;
        }
    return NULL;
}

/* ---- amounts ---- */

static int amount_from(const scan_doc *d, const grp *g, double *v, char cur[8])
{
    const char *t = d->text;
    if (scan_parse_amount(t + g->s[2], g->e[2] - g->s[2], v, cur)) return -1;
    /* a unit in the label ("中标价(元)", "(万元)") applies when the value carries none */
    if (g->s[1] != SIZE_MAX && !strncmp(t + g->s[1], "(万元)", 8)) {
        const char *val = t + g->s[2];
        size_t vl = g->e[2] - g->s[2];
        if (!memmem(val, vl, "万", 3) && !memmem(val, vl, "亿", 3)) *v *= 1e4;
    }
    /* a bare number with neither unit nor currency is a rate or a count, not money */
    const char *val = t + g->s[2];
    size_t vl = g->e[2] - g->s[2];
    int has_unit = g->s[1] != SIZE_MAX || memmem(val, vl, "元", 3) || memmem(val, vl, "万", 3) ||
                   memmem(val, vl, "亿", 3) || strcmp(cur, "CNY") || memmem(val, vl, "¥", 2) ||
                   memmem(val, vl, "人民币", 9) || memmem(val, vl, "RMB", 3);
    if (!has_unit || memchr(val, '%', vl)) return -1;
    return 0;
}

static void set_amount(scan_fields *f, double v, const char *cur)
{
    if (!strcmp(cur, "CNY")) {
        if (f->amount_cny < 0) f->amount_cny = v;
    } else if (f->currency_amount < 0) {
        f->currency_amount = v;
        snprintf(f->currency, sizeof f->currency, "%s", cur);
    }
}

static void extract_amounts(scan_fields *f, const scan_patterns *p, const scan_doc *d)
{
    static const int groups[] = {P_AMOUNT_AWARD, P_AMOUNT_BUDGET, P_AMOUNT_SUMMARY, -1};
    grp g;
    for (int k = 0; groups[k] >= 0 && f->amount_cny < 0 && f->currency_amount < 0; k++)
        for (size_t st = 0; st < d->len && find(p, groups[k], d, st, &g); st = g.e[0]) {
            double v;
            char cur[8];
            if (!amount_from(d, &g, &v, cur) && v > 0) {
                set_amount(f, v, cur);
                break;
            }
            if (g.e[0] <= st) break;
        }
    if (f->amount_cny >= 0 || f->currency_amount >= 0) return;
    int loose = !strcmp(f->language, "en") ? P_AMOUNT_EN : P_AMOUNT_LOOSE;
    for (size_t st = 0; st < d->len && find(p, loose, d, st, &g); st = g.e[0]) {
        double v;
        char cur[8];
        size_t n = g.e[1] - g.s[1];
        if (!scan_parse_amount(d->text + g.s[1], n, &v, cur) && v > 0) {
            set_amount(f, v, cur);
            if (f->amount_cny >= 0 && f->currency_amount >= 0) break;
            if (strcmp(f->language, "en")) break;
        }
        if (g.e[0] <= st) break;
    }
}

/* ---- dates and quantities ---- */

int scan_leading_int(const char *s, size_t n)
{
    unsigned long long v = 0; /* at most LONG_MAX: strtol saturates there */
    for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        v = v > ((unsigned long long)LONG_MAX - d) / 10 ? (unsigned long long)LONG_MAX : v * 10 + d;
    }
    return (int)(long)v;
}

static void set_date(scan_fields *f, xg_arena *a, const scan_doc *d, const grp *g)
{
    const char *t = d->text;
    size_t n = d->len;
    int y = scan_leading_int(t + g->s[1], n - g->s[1]),
        m = scan_leading_int(t + g->s[2], n - g->s[2]),
        dd = scan_leading_int(t + g->s[3], n - g->s[3]);
    if (y < 1990 || y > 2100 || m < 1 || m > 12 || dd < 1 || dd > 31) return;
    char *o = xg_arena_alloc(a, 11); /* "%04d-%02d-%02d" without printf: 1990 ≤ y ≤ 2100 */
    if (!o) return;
    o[0] = (char)('0' + y / 1000);
    o[1] = (char)('0' + y / 100 % 10);
    o[2] = (char)('0' + y / 10 % 10);
    o[3] = (char)('0' + y % 10);
    o[4] = o[7] = '-';
    o[5] = (char)('0' + m / 10);
    o[6] = (char)('0' + m % 10);
    o[8] = (char)('0' + dd / 10);
    o[9] = (char)('0' + dd % 10);
    o[10] = '\0';
    f->date = o;
}

static void extract_date(scan_fields *f, xg_arena *a, const scan_patterns *p, const scan_doc *d)
{
    grp g;
    if (find(p, P_DATE_LABEL, d, 0, &g)) {
        set_date(f, a, d, &g);
        if (f->date) return;
    }
    /* the dateline under the title (ccgp: "2025年05月27日 20:20 来源…"): first two lines only */
    const char *nl = memchr(d->text, '\n', d->len);
    size_t lim = nl ? (size_t)(nl - d->text) + 1 : d->len;
    const char *nl2 = lim < d->len ? memchr(d->text + lim, '\n', d->len - lim) : NULL;
    lim = nl2 ? (size_t)(nl2 - d->text) : d->len;
    if (find(p, P_DATE, d, 0, &g) && g.e[0] <= lim) set_date(f, a, d, &g);
}

static double parse_qty(const char *s, size_t n)
{
    double v = 0;
    size_t used = scan_parse_cn_number(s, n, &v);
    if (!used) return -1;
    const char *rest = s + used;
    size_t rl = n - used;
    while (rl && *rest == ' ')
        rest++, rl--;
    if (rl >= 6 && !strncmp(rest, "千万", 6))
        v *= 1e7;
    else if (rl >= 6 && !strncmp(rest, "百万", 6))
        v *= 1e6;
    else if (rl >= 3 && !strncmp(rest, "万", 3))
        v *= 1e4;
    else if (rl >= 3 && !strncmp(rest, "亿", 3))
        v *= 1e8;
    return v;
}

static double en_mult(const scan_doc *d, const grp *g, int i)
{
    if (g->s[i] == SIZE_MAX) return 1;
    char c = (char)(d->text[g->s[i]] | 0x20);
    return c == 'b' ? 1e9 : c == 'm' ? 1e6 : c == 't' ? 1e3 : 1;
}

/* Every quantity pattern `id` gives, in text order (at most `cap`): value and span. */
typedef struct {
    double v;
    size_t from, to;
} qty;

static size_t qty_values(const scan_patterns *p, const scan_doc *d, int id, int en, qty *out,
                         size_t cap)
{
    grp g;
    size_t n = 0;
    for (size_t st = 0; st < d->len && n < cap && find(p, id, d, st, &g); st = g.e[0]) {
        int gi = g.s[1] != SIZE_MAX ? 1 : 2;
        if (g.s[gi] == SIZE_MAX) break;
        double v = parse_qty(d->text + g.s[gi], g.e[gi] - g.s[gi]);
        if (en) v *= en_mult(d, &g, 2);
        if (id == P_GPU_HOURS && g.s[2] != SIZE_MAX) v *= 1e4;
        if (v >= 0) out[n++] = (qty){v, g.s[0], g.e[0]};
        if (g.e[0] <= st) break;
    }
    return n;
}

/* The largest quantity the pattern gives (a notice repeats the total in its summary). */
static double max_qty(const scan_patterns *p, const scan_doc *d, int id, int en)
{
    qty q[64];
    size_t n = qty_values(p, d, id, en, q, 64);
    double best = -1;
    for (size_t i = 0; i < n; i++)
        if (q[i].v > best) best = q[i].v;
    return best;
}

static void num_str(char *buf, size_t n, double v)
{
    if (v == floor(v) && v < 9e15)
        snprintf(buf, n, "%lld", (long long)v);
    else
        snprintf(buf, n, "%.6g", v);
}

/* Token counts and GPU-hours of a notice's line items, summed: the distinct values the pattern
 * gives (a value repeated is one statement repeated), unless the largest is the sum of the
 * others (a stated total with its items), which is then the total. The arithmetic goes to `ar`
 * when more than one value counts. A news report describes several notices: there the largest
 * value is kept, as for one notice's repeated total. */
static double sum_qty(const scan_patterns *p, const scan_doc *d, int id, int en, int news,
                      xg_arena *a, scan_arith *ar)
{
    qty q[64], u[64];
    size_t n = qty_values(p, d, id, en, q, 64), nu = 0;
    double best = -1;
    for (size_t i = 0; i < n; i++) {
        if (q[i].v > best) best = q[i].v;
        int dup = q[i].v <= 0;
        for (size_t k = 0; k < nu && !dup; k++)
            dup = u[k].v == q[i].v;
        if (!dup) u[nu++] = q[i];
    }
    if (news || nu < 2) return best;
    double sum = 0;
    for (size_t i = 0; i < nu; i++)
        sum += u[i].v;
    int stated = fabs(2 * best - sum) <= 1e-9 * best; /* best == sum of the others */
    xg_buf b;
    xg_buf_init(&b);
    char num[40];
    for (size_t i = 0, first = 1; i < nu; i++) {
        if (stated && u[i].v == best) continue;
        num_str(num, sizeof num, u[i].v);
        xg_buf_printf(&b, "%s%s", first ? "" : " + ", num);
        first = 0;
    }
    num_str(num, sizeof num, stated ? best : sum);
    xg_buf_printf(&b, " = %s%s", num, stated ? " (the total stated)" : "");
    ar->expr = b.data ? xg_arena_strdup(a, b.data) : NULL;
    ar->from = u[0].from;
    ar->to = u[0].to;
    xg_buf_free(&b);
    return stated ? best : sum;
}

typedef struct {
    double n, m;
    size_t from, to;
} gpu_stmt;

/* GPUs as servers × cards a server ("500 台服务器,每台 8 卡" → 500 × 8 = 4000), summed over the
 * distinct statements; taken when at least the largest count written out. */
static void gpu_products(scan_fields *f, xg_arena *a, const scan_patterns *p, const scan_doc *d)
{
    static const int ids[] = {P_GPU_EACH, P_GPU_NCARD, P_GPU_CARDN, P_GPU_EACH_EN, P_GPU_TIMES};
    gpu_stmt x[32];
    size_t nx = 0;
    grp g;
    for (size_t k = 0; k < sizeof ids / sizeof *ids; k++)
        for (size_t st = 0; st < d->len && nx < 32 && find(p, ids[k], d, st, &g); st = g.e[0]) {
            double n = parse_qty(d->text + g.s[1], g.e[1] - g.s[1]);
            double m = parse_qty(d->text + g.s[2], g.e[2] - g.s[2]);
            if (ids[k] == P_GPU_CARDN) { /* "8卡服务器10台": cards first */
                double t = n;
                n = m;
                m = t;
            }
            int overlap = 0;
            for (size_t i = 0; i < nx && !overlap; i++)
                overlap = g.s[0] < x[i].to && x[i].from < g.e[0];
            if (n > 0 && m > 0 && m <= 1024 && n <= 1e6 && !overlap)
                x[nx++] = (gpu_stmt){n, m, g.s[0], g.e[0]};
            if (g.e[0] <= st) break;
        }
    if (!nx) return;
    double total = 0;
    xg_buf b;
    xg_buf_init(&b);
    char nn[40], mm[40];
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < nx; i++) {
        int dup = 0;
        for (size_t k = 0; k < i && !dup; k++)
            dup = x[k].n == x[i].n && x[k].m == x[i].m;
        if (dup) continue;
        if (first == SIZE_MAX || x[i].from < x[first].from) first = i;
        total += x[i].n * x[i].m;
        num_str(nn, sizeof nn, x[i].n);
        num_str(mm, sizeof mm, x[i].m);
        xg_buf_printf(&b, "%s%s × %s", b.len ? " + " : "", nn, mm);
    }
    num_str(nn, sizeof nn, total);
    xg_buf_printf(&b, " = %s", nn);
    if (total >= f->gpus) {
        f->gpus = total;
        f->gpus_arith.expr = b.data ? xg_arena_strdup(a, b.data) : NULL;
        f->gpus_arith.from = x[first].from;
        f->gpus_arith.to = x[first].to;
    }
    xg_buf_free(&b);
}

/* ---- notice type and language ---- */

static int may(const scan_patterns *p, int bit)
{
    return (int)((p->hits->may >> bit) & 1);
}

static const char *type_in(const scan_patterns *p, const char *s, size_t n)
{
    for (size_t t = 0; t < NTYPES; t++)
        for (int w = 0; may(p, T_TYPE0 + (int)t) && TYPES[t].words[w]; w++)
            if (memmem(s, n, TYPES[t].words[w], strlen(TYPES[t].words[w]))) return TYPES[t].type;
    return NULL;
}

static const char *notice_type(const scan_patterns *p, const scan_doc *d, const scan_fields *f)
{
    /* the title lines decide: the first two non-empty lines */
    size_t s = 0, e = 0;
    for (int lines = 0; lines < 2 && e < d->len; lines++) {
        const char *nl = memchr(d->text + e, '\n', d->len - e);
        e = nl ? (size_t)(nl - d->text) + 1 : d->len;
        while (e < d->len && d->text[e] == '\n')
            e++;
    }
    const char *t = type_in(p, d->text + s, e - s);
    if (t) return t;
    /* BODY_WORDS, each looked for only when the gate saw it */
    int body[NBODY];
    for (size_t w = 0; w < NBODY; w++)
        body[w] = may(p, T_BODY0 + (int)w) &&
                  memmem(d->text, d->len, BODY_WORDS[w], strlen(BODY_WORDS[w])) != NULL;
    if (body[0]) return "single_source";
    if (body[1] || body[2]) return "result";
    if (!strcmp(f->language, "en")) return "news";
    if (body[3] || body[4]) return "procurement";
    return "other";
}

/* One byte's counts: a lead byte of U+3000–U+9FFF (0xE3–0xE9), an ASCII letter. Continuation
 * bytes (0x80–0xBF) are neither, so counting byte by byte is counting character by character. */
static void count_byte(unsigned c, size_t *han, size_t *latin)
{
    *han += c >= 0xE3 && c <= 0xE9;
    *latin += c < 0x80 && (unsigned)((c | 0x20) - 'a') < 26u;
}

/* Eight bytes at a time in a 64-bit word: a byte's low seven bits plus a constant set its top bit
 * exactly when they are at least a bound (no carry leaves the byte), so [lo, hi] is "≥ lo and not
 * ≥ hi + 1"; the top bit of the byte itself tells ASCII from a lead byte. Per-byte counters
 * (31 words at most, so their sum fits a byte) are summed by one multiplication. */
void scan_count_letters_portable(const char *text, size_t n, size_t *han, size_t *latin)
{
    const unsigned char *t = (const unsigned char *)text;
    const uint64_t ones = 0x0101010101010101u, top = ones * 0x80, low7 = ones * 0x7F;
    size_t h = 0, l = 0, i = 0;
    while (n - i >= 8) {
        size_t words = (n - i) / 8;
        if (words > 31) words = 31;
        uint64_t ch = 0, cl = 0;
        for (size_t k = 0; k < words; k++, i += 8) {
            uint64_t x;
            memcpy(&x, t + i, 8);
            uint64_t u = (x | ones * 0x20) & low7; /* letters: 0x61–0x7A */
            cl += ((u + ones * (0x80 - 0x61)) & ~(u + ones * (0x80 - 0x7B)) & ~x & top) >> 7;
            uint64_t v = x & low7; /* lead bytes: 0xE3–0xE9, low bits 0x63–0x69 */
            ch += ((v + ones * (0x80 - 0x63)) & ~(v + ones * (0x80 - 0x6A)) & x & top) >> 7;
        }
        h += (size_t)((ch * ones) >> 56);
        l += (size_t)((cl * ones) >> 56);
    }
    for (; i < n; i++)
        count_byte(t[i], &h, &l);
    *han = h;
    *latin = l;
}

#if defined(__SSE2__)
#include <emmintrin.h>
/* Sixteen bytes at a time: a byte in [lo, hi] is, shifted by 0x80 − lo, a signed byte below
 * −128 + (hi − lo + 1); each lane counts its matches (−1 each) for 255 blocks at most, summed
 * by _mm_sad_epu8. */
void scan_count_letters(const char *text, size_t n, size_t *han, size_t *latin)
{
    const unsigned char *t = (const unsigned char *)text;
    const __m128i case_bit = _mm_set1_epi8(0x20), to_a = _mm_set1_epi8((char)(0x80 - 0x61)),
                  lim_a = _mm_set1_epi8((char)(-128 + 26)),
                  to_h = _mm_set1_epi8((char)(0x80 - 0xE3)),
                  lim_h = _mm_set1_epi8((char)(-128 + 7)), zero = _mm_setzero_si128();
    size_t h = 0, l = 0, i = 0;
    while (n - i >= 16) {
        size_t blocks = (n - i) / 16;
        if (blocks > 255) blocks = 255;
        __m128i ch = zero, cl = zero;
        for (size_t k = 0; k < blocks; k++, i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(t + i));
            __m128i a = _mm_add_epi8(_mm_or_si128(x, case_bit), to_a);
            cl = _mm_sub_epi8(cl, _mm_cmplt_epi8(a, lim_a));
            ch = _mm_sub_epi8(ch, _mm_cmplt_epi8(_mm_add_epi8(x, to_h), lim_h));
        }
        __m128i sh = _mm_sad_epu8(ch, zero), sl = _mm_sad_epu8(cl, zero);
        h += (size_t)_mm_cvtsi128_si32(sh) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sh, 8));
        l += (size_t)_mm_cvtsi128_si32(sl) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sl, 8));
    }
    size_t th, tl;
    scan_count_letters_portable(text + i, n - i, &th, &tl);
    *han = h + th;
    *latin = l + tl;
}
#else
void scan_count_letters(const char *text, size_t n, size_t *han, size_t *latin)
{
    scan_count_letters_portable(text, n, han, latin);
}
#endif

static const char *language(const scan_doc *d)
{
    size_t han, latin;
    scan_count_letters(d->text, d->len, &han, &latin);
    /* a few folded characters (昇, 乾) occur in simplified text too: traditional means many */
    size_t hanchars = han ? han : 1;
    if (han * 4 >= latin || han >= 200)
        return (d->nfolded >= 3 && d->nfolded * 12 >= hanchars) ? "zh-Hant" : "zh";
    return "en";
}

/* ---- the whole set ---- */

/* The heading: the first non-empty line [*s, *e), when it is not a sentence and not itself a
 * "label: value" line or table row (portal records put their title first; a news report's first
 * line is a paragraph, not a heading). Returns 0 when there is none. */
static int heading_span(const scan_doc *d, size_t *hs, size_t *he)
{
    size_t s = 0;
    while (s < d->len && (d->text[s] == '\n' || d->text[s] == ' ' || d->text[s] == '\t'))
        s++;
    const char *nl = memchr(d->text + s, '\n', d->len - s);
    size_t e = nl ? (size_t)(nl - d->text) : d->len;
    while (e > s && (d->text[e - 1] == ' ' || d->text[e - 1] == '\r'))
        e--;
    if (e <= s || e - s > 600 || memchr(d->text + s, ':', e - s) || memchr(d->text + s, '|', e - s))
        return 0;
    static const char *const STOP[] = {".", "。", "!", "?", NULL};
    for (int k = 0; STOP[k]; k++) {
        size_t n = strlen(STOP[k]);
        if (e - s >= n && !memcmp(d->text + e - n, STOP[k], n)) return 0;
    }
    *hs = s;
    *he = e;
    return 1;
}

/* Fields a notice only states in its heading: the title when there is no 项目名称 line, and the
 * buyer when no 采购人 line names it (Chinese headings open with the buyer's name). */
static void from_heading(scan_fields *f, xg_arena *a, const scan_patterns *p, const scan_doc *d)
{
    size_t s, e;
    if (!heading_span(d, &s, &e)) return;
    if (!f->title) f->title = value(a, d, s, e, 0, NULL);
    grp g;
    if (!f->buyer && strcmp(f->language, "en") && find(p, P_ORG_HEAD, d, s, &g) && g.e[1] <= e)
        f->buyer = value(a, d, g.s[1], g.e[1], 1, &f->buyer_off);
}

int scan_fields_extract(scan_fields *f, xg_arena *a, const scan_patterns *p, const scan_doc *d)
{
    if (p->hits->primed != d) gate_document(p, d);
    p->hits->primed = NULL;
    memset(f, 0, sizeof *f);
    f->amount_cny = f->currency_amount = f->tokens = f->gpus = f->servers = f->gpu_hours = -1;
    f->buyer_off = f->supplier_off = SIZE_MAX;
    f->language = language(d);
    static const int projno[] = {P_PROJNO, -1}, title[] = {P_TITLE, -1},
                     buyer[] = {P_BUYER_BLOCK, P_BUYER, -1},
                     agency[] = {P_AGENCY_BLOCK, P_AGENCY, -1}, supplier[] = {P_SUPPLIER, -1};
    f->project_number = first_value(a, p, d, projno, 1, NULL);
    f->title = first_value(a, p, d, title, 0, NULL);
    f->buyer = first_value(a, p, d, buyer, 1, &f->buyer_off);
    f->agency = first_value(a, p, d, agency, 1, NULL);
    f->supplier = first_value(a, p, d, supplier, 1, &f->supplier_off);
    if (f->supplier && f->agency && !strcmp(f->supplier, f->agency)) f->supplier = NULL;
    from_heading(f, a, p, d);
    extract_amounts(f, p, d);
    extract_date(f, a, p, d);
    int en = !strcmp(f->language, "en");
    f->notice_type = notice_type(p, d, f);
    int news = !strcmp(f->notice_type, "news");
    f->tokens = sum_qty(p, d, en ? P_TOKENS_EN : P_TOKENS, en, news, a, &f->tokens_arith);
    if (f->tokens < 0 && !en) f->tokens = sum_qty(p, d, P_TOKENS_EN, 1, news, a, &f->tokens_arith);
    f->gpus = max_qty(p, d, en ? P_GPUS_EN : P_GPUS, 0);
    gpu_products(f, a, p, d);
    f->servers = max_qty(p, d, P_SERVERS, 0);
    f->gpu_hours = sum_qty(p, d, P_GPU_HOURS, 0, news, a, &f->gpu_hours_arith);
    return 0;
}

static int seen(xg_vec *names, const char *s)
{
    for (size_t i = 0; i < names->len; i++)
        if (!strcmp(XG_VEC_AT(names, char *, i), s)) return 1;
    return 0;
}

/* Leading words that start a sentence rather than a name. */
static const char *strip_lead(const char *s)
{
    static const char *const W[] = {"The ",  "A ",         "An ",      "In ",    "For ",
                                    "At ",   "By ",        "From ",    "While ", "As ",
                                    "Some ", "Companies ", "Chinese ", NULL};
    for (int again = 1; again;) {
        again = 0;
        for (int i = 0; W[i]; i++)
            if (!strncmp(s, W[i], strlen(W[i]))) {
                s += strlen(W[i]);
                again = 1;
            }
    }
    return s;
}

int scan_orgs_extract(xg_vec *names, xg_arena *a, const scan_patterns *p, const scan_doc *d)
{
    gate_again(p, d);
    static const int ids[] = {P_ORG_EN, P_ORG_ZH};
    grp g;
    for (int k = 0; k < 2; k++)
        for (size_t st = 0; st < d->len && names->len < 32 && find(p, ids[k], d, st, &g);
             st = g.e[0]) {
            char *v = value(a, d, g.s[1], g.e[1], 1, NULL);
            if (v) v = (char *)strip_lead(v);
            if (v && strchr(v, ' ') == NULL && k == 0) v = NULL; /* "University" alone */
            if (v && !seen(names, v) && !xg_vec_push(names, &v)) return XG_ENOMEM;
            if (g.e[0] <= st) break;
        }
    return 0;
}

int scan_model_names(xg_vec *names, xg_arena *a, const scan_patterns *p, const scan_doc *d)
{
    gate_again(p, d);
    grp g;
    for (size_t st = 0; st < d->len && names->len < 16 && find(p, P_MODEL_NAME, d, st, &g);
         st = g.e[0]) {
        char *v = xg_arena_strndup(a, d->text + g.s[1], g.e[1] - g.s[1]);
        if (v && !seen(names, v) && !xg_vec_push(names, &v)) return XG_ENOMEM;
        if (g.e[0] <= st) break;
    }
    return 0;
}
