// @ts-check

/**
 * The text-search matching rules, one implementation for both databases: the store writes these
 * words and the query matches them, so SQLite (FTS5) and PostgreSQL (tsvector + GIN) find exactly
 * the same issues. Shipped with the migrations because the migration that backfills existing rows
 * needs the same rules as the store (migrations/20261202030000_issue_text_search.js).
 *
 * - Text is NFKD-decomposed and lower-cased; non-spacing marks (accents) are dropped: `Café` → `cafe`.
 * - A word is a run of letters, digits and spacing marks (any script); everything else separates:
 *   `log-in_page#2` → `log`, `in`, `page`, `2`.
 * - Each query word matches any stored word it begins (prefix); all query words must match.
 * - Words are cut to MAX_WORD_LENGTH characters; a query keeps its first MAX_QUERY_WORDS words.
 */

const MAX_WORD_LENGTH = 64;
const MAX_QUERY_WORDS = 16;
const NON_SPACING_MARKS = /\p{Mn}/gu;
const WORD = /[\p{L}\p{N}\p{Mc}\p{Me}]+/gu;

/**
 * @param {string | null | undefined} text
 * @returns {string[]} the words of the text, in order, repeats included
 */
function searchWords(text) {
  if (!text) return [];
  const folded = text.normalize('NFKD').toLowerCase().replace(NON_SPACING_MARKS, '').normalize('NFC');
  return (folded.match(WORD) ?? []).map(word => [...word].slice(0, MAX_WORD_LENGTH).join(''));
}

/**
 * What the store keeps of a text for search: its distinct words, separated by single spaces.
 *
 * @param {string | null | undefined} text
 * @returns {string | null} null when the text has no words
 */
function searchDocument(text) {
  const words = [...new Set(searchWords(text))];
  return words.length ? words.join(' ') : null;
}

/**
 * The words a query looks for (distinct, at most MAX_QUERY_WORDS); none means it matches nothing.
 *
 * @param {string} query
 * @returns {string[]}
 */
function queryWords(query) {
  return [...new Set(searchWords(query))].slice(0, MAX_QUERY_WORDS);
}

module.exports = { searchWords, searchDocument, queryWords, MAX_WORD_LENGTH, MAX_QUERY_WORDS };
