/** How the operators' table may be sorted and paged: the API's input and the UI's URL take these, and only these. */
export const TABLE_SORTS = ["newest", "oldest", "expiry", "permit", "since"] as const;
export type TableSort = (typeof TABLE_SORTS)[number];

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;
