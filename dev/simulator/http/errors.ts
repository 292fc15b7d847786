/** An HTTP answer other than 200, with Jira's error body. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly body: unknown, readonly headers: Record<string, string> = {}) {
    super(`HTTP ${status}`);
  }
}

export const jiraError = (status: number, ...messages: string[]) => new HttpError(status, { errorMessages: messages, errors: {} });
