/** How long the reason an operator gives for pausing or tearing down may be: the API and the UI's form. */
export const REASON_MIN = 3;
export const REASON_MAX = 500;
