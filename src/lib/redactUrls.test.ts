import { redactUrlCredentials } from './redactUrls';

describe('redactUrlCredentials', () => {
  it('removes user info and credential query parameters from URLs anywhere in a text', () => {
    expect(redactUrlCredentials('fetch http://user:s3cret@jira.example.com/rest/api/3/search failed')).toBe(
      'fetch http://***@jira.example.com/rest/api/3/search failed',
    );
    expect(redactUrlCredentials('https://token@host/x and https://a:b@other:8080/y')).toBe('https://***@host/x and https://***@other:8080/y');
    expect(redactUrlCredentials('GET https://host/r?jql=a&access_token=abc.def&x=1')).toBe('GET https://host/r?jql=a&access_token=***&x=1');
    expect(redactUrlCredentials('https://host/r?apiKey=zzz')).toBe('https://host/r?apiKey=***');
  });

  it('leaves ordinary text and URLs without credentials alone', () => {
    const text = 'issue ABC-1 at https://jira.example.com/browse/ABC-1?focused=1, mail a@b.c';
    expect(redactUrlCredentials(text)).toBe(text);
  });
});
