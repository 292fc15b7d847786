/** Types of issueSort.js (plain CommonJS, shipped with the migrations). */
export declare const NO_PRIORITY: number;
export declare function issueNumber(issueKey: string): number;
export declare function prioritySeq(priority: unknown): number;
export declare function statusOrder(statusCategory: string | null | undefined, status: string | null | undefined): string;
