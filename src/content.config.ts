import { defineCollection } from 'astro/content/config';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

/** The articles: one MDX file per pattern under content/patterns/. */
const patterns = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './content/patterns' }),
  schema: z.object({
    title: z.string(),
    description: z.string().max(200),
    /** The playground pattern id (playgrounds/registry.ts). */
    pattern: z.string(),
    /** Position in the list of twelve. */
    order: z.number().int(),
    updated: z.coerce.date(),
    draft: z.boolean().default(false),
  }),
});

export const collections = { patterns };
