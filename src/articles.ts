import { getCollection } from 'astro:content';
import type { ArticleData } from './content.config.ts';

/** A published article. */
export interface Article {
  id: string;
  data: ArticleData;
}

/**
 * The published articles in the order of the twelve. (Typed here because the generated
 * collection types resolve to `any` under TypeScript 6; the schema still validates at build.)
 */
export async function publishedArticles(): Promise<Article[]> {
  const entries = (await getCollection('patterns')) as Article[];
  return entries.filter((entry) => !entry.data.draft).sort((a, b) => a.data.order - b.data.order);
}
