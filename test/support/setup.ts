import "./polyfills.js";

process.env.LOG_LEVEL ??= "silent";
