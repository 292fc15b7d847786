/** `scheme://user:password@host` with the user info replaced. */
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;
/** Query parameters that carry credentials by convention. */
const SECRET_PARAMS = /([?&;](?:access_token|refresh_token|token|api_?key|apikey|password|passwd|secret|client_secret|sig|signature|jwt)=)[^&#\s"']+/gi;

/**
 * Removes credentials written into URLs (`http://user:pass@host`, `?access_token=`) from any text:
 * every error that is stored, served or printed passes through here, whatever produced it.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USER_INFO, '$1***@').replace(SECRET_PARAMS, '$1***');
}

/** The same for a value that may be missing. */
export const redactOptional = <T extends string | null | undefined>(text: T): T =>
  (typeof text === 'string' ? redactUrlCredentials(text) : text) as T;
