import { z } from 'zod';

// The API serves this app under a Content-Security-Policy without 'unsafe-eval'. Zod would otherwise
// probe `new Function` to compile fast parsers, which the browser refuses and reports as a violation.
// Imported first by main.tsx, so it runs before any schema parses anything.
z.config({ jitless: true });
