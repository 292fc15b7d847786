/** Types of searchText.js (plain CommonJS, shipped with the migrations). */
export declare function searchWords(text: string | null | undefined): string[];
export declare function searchDocument(text: string | null | undefined): string | null;
export declare function queryWords(query: string): string[];
export declare const MAX_WORD_LENGTH: number;
export declare const MAX_QUERY_WORDS: number;
