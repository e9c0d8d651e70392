/**
 * Loads zod/mini's English messages once. The Lambda code imports `zod/mini` as a namespace (`import * as z`),
 * which esbuild tree-shakes to the validators used; the classic `{ z }` export drags in every locale (~440 KB).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.cjs';

config(en());
