// Vite bundles imported stylesheets (vite/client declares this too, but the workspace
// typechecks with Node's types only).
declare module '*.css'
