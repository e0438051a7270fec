/**
 * Messages for people: Chinese by default, English when the request asks for it
 * (`Accept-Language: en`). Error codes stay English and stable; only sentences change.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { refusalMessage, type Language } from '../workflows/refusal.js';

export type { Language };

/** The first language the caller accepts that we speak; Chinese unless English comes first. */
export function languageOf(request: FastifyRequest): Language {
  const header = request.headers['accept-language'];
  const tags = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().toLowerCase().split(';');
      const q = Number(rest.find((r) => r.trim().startsWith('q='))?.split('=')[1] ?? 1);
      return { tag, q: Number.isNaN(q) ? 0 : q };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q);
  const spoken = tags.find((t) => t.tag.startsWith('en') || t.tag.startsWith('zh'));
  return spoken?.tag.startsWith('en') ? 'en' : 'zh';
}

/** The API's own sentences, by key. */
export const API_MESSAGES = {
  invalid_input: { zh: '输入无效：', en: 'invalid input: ' },
  no_route: { zh: '没有此路由：', en: 'no route ' },
  internal: { zh: '内部错误', en: 'internal error' },
  database_unavailable: {
    zh: '数据库暂时无法访问；请在几秒后用相同的 requestId 重试',
    en: 'the database is unreachable; repeat the request (with the same requestId) in a few seconds',
  },
} as const satisfies Record<string, Record<Language, string>>;

export const apiMessage = (key: keyof typeof API_MESSAGES, language: Language) => API_MESSAGES[key][language];

/** A process refusal's sentence in `language`, when it carries its code (see `workflows/refusal.ts`). */
export function localizedRefusal(details: unknown, language: Language): string | undefined {
  const key = (details as { messageKey?: { code: string; params: Record<string, string> } } | undefined)?.messageKey;
  return key ? refusalMessage(key.code, key.params, language) : undefined;
}

const zhCN = z.locales.zhCN().localeError;

/**
 * A zod issue's message in `language`. Zod's own messages are English (the global
 * locale); in Chinese they are worded again by zod's zh-CN locale. A message the
 * schema set itself (a refinement) is kept as written.
 */
export function localizedIssue(issue: { code: string; message: string; [key: string]: unknown }, language: Language): string {
  if (language === 'en' || issue.code === 'custom') return issue.message;
  const worded = zhCN?.(issue as unknown as Parameters<NonNullable<typeof zhCN>>[0]);
  const text = typeof worded === 'string' ? worded : worded?.message;
  return text ?? issue.message;
}
