/** Jest runs the TypeScript sources directly through SWC (TypeScript 7 has no ts-jest support). */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "es6" } }],
  },
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  setupFiles: ["<rootDir>/test/support/setup.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/support/after-each.ts"],
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 30000,
};
