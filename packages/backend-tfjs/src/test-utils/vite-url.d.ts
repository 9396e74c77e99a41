// Vite's `?url` imports (the browser tests run under Vite): the module's default export is the
// URL the file is served from.
declare module '*?url' {
  const url: string;
  export default url;
}
