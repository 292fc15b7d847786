/** A config problem; the message names the key, never a secret's value. */
export class JiraSyncConfigError extends Error {
  constructor(message: string) {
    super(`jiraSync config: ${message}`);
    this.name = 'JiraSyncConfigError';
  }
}
