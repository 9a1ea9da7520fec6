// Vite turns `import url from '…?url'` into the URL of the emitted file (vite/client declares
// this too, but the workspace typechecks with Node's types only).
declare module '*?url' {
  const url: string
  export default url
}
