/**
 * Remix v2, classic compiler. The Express server in app/server.ts is compiled together with the
 * app into one module, so the server and the routes share a single database connection.
 * PORTICO_BUILD_DIR lets the test suite build into its own folder (parallel runs never collide).
 * @type {import('@remix-run/dev').AppConfig}
 */
const buildDir = process.env.PORTICO_BUILD_DIR || "build";

export default {
  appDirectory: "app",
  server: "./app/server.ts",
  serverBuildPath: `${buildDir}/index.js`,
  assetsBuildDirectory: `${buildDir}/public/build`,
  publicPath: "/build/",
  serverModuleFormat: "esm",
  serverPlatform: "node",
  // Native and heavy packages stay in node_modules; everything of ours is bundled.
  serverDependenciesToBundle: [],
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}", "**/*.server.test.{ts,tsx}"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: false,
  },
};
