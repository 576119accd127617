import { defineCollection } from 'astro/content/config';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

const articleSchema = z.object({
  title: z.string(),
  description: z.string().max(200),
  /** The playground pattern id (playgrounds/registry.ts). */
  pattern: z.string(),
  /** Position in the list of twelve. */
  order: z.number().int(),
  updated: z.coerce.date(),
  draft: z.boolean().default(false),
});

/** An article's frontmatter, as validated by the schema. */
export type ArticleData = z.infer<typeof articleSchema>;

/** The articles: one MDX file per pattern under content/patterns/. */
const patterns = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './content/patterns' }),
  schema: articleSchema,
});

export const collections = { patterns };
