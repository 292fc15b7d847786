module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The root package is also a workspace ("."), so these rules attribute this app's files to the root's package.json.
    '@backstage/no-undeclared-imports': 'off',
    '@backstage/no-mixed-plugin-imports': 'off',
    '@backstage/no-ui-css-imports-in-non-frontend': 'off',
  },
});
