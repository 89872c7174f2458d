/**
 * Progress lines in parts: each part has a stable code and its values (for the UI's language)
 * and its English text; the job's `message` is the parts' texts joined by ': '.
 */
import type { MessagePart, MessageParams, Progress } from '../core/types';

/** One part; `code` '' when the text is data (a file, a model name) or has no code yet. */
export function part(code: string, text: string, params?: MessageParams): MessagePart {
  return params === undefined ? { code, text } : { code, params, text };
}

/** The stage's part: its name (`store` reads "writing to the workspace"). */
export function stagePart(stage: string): MessagePart {
  return part('stage', stage === 'store' ? 'writing to the workspace' : stage, { name: stage });
}

/** "stage: message" as parts; the message's code and values when the progress has them. */
export function progressParts(p: Progress): MessagePart[] {
  const out = [stagePart(p.stage)];
  if (p.message !== undefined && p.message !== '') out.push(part(p.code ?? '', p.message, p.params));
  return out;
}

/** The English line of the parts. */
export function partsText(parts: readonly MessagePart[]): string {
  return parts.map((x) => x.text).join(': ');
}
