module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The root package is also a workspace ("."), so this rule attributes frontend files to the root's package.json.
    '@backstage/no-undeclared-imports': 'off',
  },
});
