/*
 * zh_pieces.h — a Chinese word read part by meaning, part by pinyin, against list words (issue 13).
 *
 * A Han query word read as one Latin word (xg_token.pieces: 新国脉 "xinguomai", 天翼云
 * "tianyiyun", the brand 知道创宇 "knownsec") may be written in English piece by piece: 新 by
 * its meaning, 国脉 by its pinyin ("New Guomai"), 天翼 by its pinyin and 云 by its meaning
 * ("Tianyi Cloud"), 知道创宇 by its pinyin cut where the list cuts it ("Zhidao Chuangyu"). After
 * the alignment, a run of unmatched query words with pieces meets a run of consecutive unmatched
 * list words when its characters, every one of them in order, spell those words: each piece a
 * character read by its pinyin or a learned spelling (syllables may run across list words, never
 * a syllable across two), or a character or dictionary word read by one of its glosses (a whole
 * list word); one character in four at most may be left unread, the last of its query word
 * right after a piece read by its meaning (钛金 "Titanium"). Every list word of the run is met. A
 * small dynamic programme over characters × letters of the list words; the explanation names each
 * piece's reading. Latin queries have no pieces and never reach it.
 */
#ifndef XG_MATCH_ZH_PIECES_H
#define XG_MATCH_ZH_PIECES_H

#include <stddef.h>
#include <stdint.h>

#include "match/score.h"

/* xg_pair.reading of a pair made by the pieces (1 is a token's multi-word reading). */
#define XG_READING_PIECES 2
/* The similarity of such a pair: read exactly (pinyin and glosses), or with a learned spelling. */
#define XG_PIECES_SIM 0.95
/* … and with a character left unread (one in four at most: 钛金 "Titanium"). */
#define XG_PIECES_SKIP_SIM 0.88
/* Letters the list words must hold together at least. */
#define XG_PIECES_MIN_LETTERS 5

/* Parse the pieces (xg_token.pieces) of q's first 64 tokens once per query, into q->piece: sets
 * q->pieces (the tokens with pieces that parse, holding a character), q->pieces_first (the letters,
 * bit 0: a, a reading of each one's first character(s) starts with), piece_at, piece_n,
 * piece_chars, and pieces_fit (0 when they did not fit: parsed again per candidate). For Han
 * queries, by xg_score_prepare. */
void xg_zh_pieces_prepare(xg_score_query *q);

/* Add to d the pairs of runs of unmatched query words with pieces (q->pieces) that spell runs of
 * consecutive unmatched list words, marking both as matched. Called after the alignment, for
 * queries with pieces only. */
void xg_zh_pieces_meet(const xg_score_query *q, const xg_score_list *l, size_t nn,
                       xg_score_detail *d);

/* How the query tokens qt[qi .. qi+qn) spell the list tokens lt[ni .. ni+nn), piece by piece,
 * into buf ("新 new (gloss), 国 guo (pinyin), 脉 mai (pinyin)"); 0 when written, -1 when they do
 * not (or it does not fit). */
int xg_zh_pieces_describe(char *buf, size_t cap, const xg_token *qt, size_t qi, size_t qn,
                          const xg_token *lt, size_t ni, size_t nn);

#endif
