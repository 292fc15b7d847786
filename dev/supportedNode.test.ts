import { assertSupportedNode } from './supportedNode';

describe('assertSupportedNode', () => {
  it('accepts the Node majors of engines', () => {
    expect(() => assertSupportedNode('22.23.3')).not.toThrow();
    expect(() => assertSupportedNode('24.21.0')).not.toThrow();
  });

  it('refuses others with what to do', () => {
    expect(() => assertSupportedNode('20.20.2')).toThrow('jira-sync runs on Node 22 or 24, this is Node 20.20.2. Install one of those, or put npm\'s node package first on PATH with `source .ci/node.sh 22` and run `npm ci` again.');
    expect(() => assertSupportedNode('26.1.0')).toThrow(/this is Node 26\.1\.0/);
  });
});
