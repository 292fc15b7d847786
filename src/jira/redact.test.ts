import { Redactor } from './redact';

describe('Redactor.scrub', () => {
  const redactor = new Redactor();
  redactor.add('secret-token-4711');

  it('removes secrets from the message and stack in place', () => {
    const error = new Error('401 for secret-token-4711');
    const scrubbed = redactor.scrub(error);
    expect(scrubbed).toBe(error);
    expect(scrubbed.message).toBe('401 for ***');
    expect(scrubbed.stack).not.toContain('secret-token-4711');
  });

  it('leaves an error without secrets alone, even one whose message is read-only (an aborted fetch)', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(redactor.scrub(abort)).toBe(abort);
  });

  it('returns a scrubbed copy when the message holding a secret cannot be changed', () => {
    const error = new Error('placeholder');
    Object.defineProperty(error, 'message', { get: () => 'bad token secret-token-4711' });
    error.name = 'CustomError';
    const scrubbed = redactor.scrub(error);
    expect(scrubbed).not.toBe(error);
    expect(scrubbed.message).toBe('bad token ***');
    expect(scrubbed.name).toBe('CustomError');
  });

  it('passes anything that is not an Error through', () => {
    expect(redactor.scrub('text')).toBe('text');
  });
});
