import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// `npm run dev -w @phonetree/editor` serves the editor with hot reload and sends /api to a
// Phonetree server (npm start) on PHONETREE_SERVER or http://127.0.0.1:3000.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: {
    proxy: { '/api': process.env.PHONETREE_SERVER ?? 'http://127.0.0.1:3000', '/audio': process.env.PHONETREE_SERVER ?? 'http://127.0.0.1:3000' },
  },
})
