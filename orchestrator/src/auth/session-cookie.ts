/**
 * The cookie that carries a person's session token. The sign-in routes set it, and everything that
 * serves a signed-in person reads it: the API, the airlock's file routes and the workspace gateway,
 * which must also strip it before a request reaches a workspace. It lives in auth/ so that none of
 * them imports another's HTTP routes for it.
 */
export const SESSION_COOKIE = "spe_session";
