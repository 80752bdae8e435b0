// Salesforce LWC unit tests (the vendor's sfdx-lwc-jest preset); HubSpot tests run in vitest.
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
    ...jestConfig,
    rootDir: __dirname,
    roots: ['<rootDir>/salesforce'],
    testPathIgnorePatterns: ['/node_modules/']
};
