/**
 * N-Triples reader (W3C RDF 1.1 N-Triples): one `subject predicate object .` statement per
 * line; IRIs in <...> (absolute, with \u/\U escapes), blank nodes `_:label`, literals
 * "..." with escapes and an optional @lang or ^^<datatype>; `#` comments and blank lines.
 * Stricter than the W3C grammar: escapes may not produce control characters other than tab, LF
 * and CR; IRIs are at most MAX_KG_ID_BYTES and literals at most MAX_FIELD_BYTES long.
 * Errors name the file, the line and the column (1-based character position).
 */
import { KnowrecError } from '../errors';
import { echo, isControl, MAX_FIELD_BYTES, MAX_KG_ID_BYTES, overLimit, sizeText, utf8Bytes } from './limits';
import type { RawTriples } from './raw';
import { readTextFile } from './text-file';

export type NtTerm =
  | { readonly kind: 'iri'; readonly value: string }
  | { readonly kind: 'bnode'; readonly value: string }
  | { readonly kind: 'literal'; readonly value: string; readonly lang?: string; readonly datatype?: string };

export interface NtTriple {
  readonly subject: NtTerm;
  readonly predicate: string;
  readonly object: NtTerm;
  /** 1-based line of the statement. */
  readonly line: number;
}

export const RDFS_LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';

export function readNTriplesFile(path: string): NtTriple[] {
  return parseNTriples(readTextFile(path), path);
}

export function parseNTriples(text: string, file: string): NtTriple[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: NtTriple[] = [];
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let stop = end;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop--;
    lineNo++;
    const t = new LineParser(text.slice(pos, stop), file, lineNo).statement();
    if (t !== null) out.push(t);
    pos = end + 1;
  }
  return out;
}

const IRI_FORBIDDEN = new Set(['<', '"', '{', '}', '|', '^', '`', ' ']);
const ECHAR: Record<string, string> = { t: '\t', b: '\b', n: '\n', r: '\r', f: '\f', '"': '"', "'": "'", '\\': '\\' };
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** "U+001B" */
function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

class LineParser {
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly file: string,
    private readonly line: number,
  ) {}

  statement(): NtTriple | null {
    this.ws();
    if (this.i >= this.s.length || this.s[this.i] === '#') return null;
    const subject = this.subjectTerm();
    this.ws(true, 'after the subject');
    if (this.s[this.i] !== '<') this.fail('expected a predicate IRI in <...>', 'predicates must be IRIs; blank nodes and literals are not allowed there');
    const predicate = this.iri();
    this.ws(true, 'after the predicate');
    const object = this.objectTerm();
    this.ws();
    if (this.s[this.i] !== '.') this.fail(`expected "." to end the statement but found ${this.found()}`, 'end each statement with " ." on the same line');
    this.i++;
    this.ws();
    if (this.i < this.s.length && this.s[this.i] !== '#') {
      this.fail(`unexpected ${this.found()} after the end of the statement`, 'write one statement per line');
    }
    return { subject, predicate, object, line: this.line };
  }

  private subjectTerm(): NtTerm {
    const c = this.s[this.i];
    if (c === '<') return { kind: 'iri', value: this.iri() };
    if (c === '_') return { kind: 'bnode', value: this.bnode() };
    return this.fail(`expected a subject (<IRI> or _:blank) but found ${this.found()}`, 'subjects are IRIs in angle brackets or blank nodes');
  }

  private objectTerm(): NtTerm {
    const c = this.s[this.i];
    if (c === '<') return { kind: 'iri', value: this.iri() };
    if (c === '_') return { kind: 'bnode', value: this.bnode() };
    if (c === '"') return this.literal();
    return this.fail(`expected an object (<IRI>, _:blank or "literal") but found ${this.found()}`, 'quote literal values with double quotes');
  }

  private iri(): string {
    const start = this.i;
    this.i++; // <
    let value = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated IRI: missing ">"', 'close the IRI with ">"', start);
      const c = this.s[this.i];
      if (c === '>') break;
      if (c === '\\') {
        const n = this.s[this.i + 1];
        if (n !== 'u' && n !== 'U') this.fail(`invalid escape "\\${echo(n ?? '', 1)}" in an IRI`, 'only \\uXXXX and \\UXXXXXXXX escapes are allowed in IRIs');
        const at = this.i;
        const e = this.uchar();
        if (e.codePointAt(0)! <= 0x20 || IRI_FORBIDDEN.has(e)) this.fail(`the escape decodes to ${codePoint(e)}, which is not allowed in an IRI`, 'percent-encode it (a space is %20)', at);
        value += e;
        continue;
      }
      if (IRI_FORBIDDEN.has(c) || c.charCodeAt(0) <= 0x20) {
        if (this.s.indexOf('>', this.i) < 0) this.fail('unterminated IRI: missing ">"', 'close the IRI with ">"', start);
        const what = c === ' ' ? 'a space' : c.charCodeAt(0) < 0x20 ? 'a control character' : `"${c}"`;
        this.fail(`${what} is not allowed in an IRI`, 'percent-encode it (a space is %20)');
      }
      value += c;
      this.i++;
    }
    this.i++; // >
    if (!SCHEME.test(value)) {
      this.fail(`relative IRI <${echo(value)}>`, 'N-Triples needs absolute IRIs with a scheme, e.g. <http://example.org/x>', start);
    }
    if (overLimit(value, MAX_KG_ID_BYTES)) this.fail(`the IRI is ${utf8Bytes(value)} bytes long; the limit is ${sizeText(MAX_KG_ID_BYTES)}`, 'use shorter IRIs', start);
    return value;
  }

  private bnode(): string {
    const start = this.i;
    if (this.s[this.i + 1] !== ':') this.fail('expected "_:" to start a blank node label');
    this.i += 2;
    const m = /^[\p{L}\p{N}_](?:[\p{L}\p{N}_\-.\u00B7]*[\p{L}\p{N}_\-\u00B7])?/u.exec(this.s.slice(this.i));
    if (m === null) this.fail('empty or invalid blank node label', 'write blank nodes as _:name with letters, digits, _ or -', start);
    this.i += m[0].length;
    return `_:${m[0]}`;
  }

  private literal(): NtTerm {
    const start = this.i;
    this.i++; // "
    let value = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string literal: missing closing quote', 'close the literal with " on the same line; write a newline as \\n', start);
      const c = this.s[this.i];
      if (c === '"') break;
      if (c === '\\') {
        const n = this.s[this.i + 1];
        const at = this.i;
        let e: string | undefined;
        if (n === 'u' || n === 'U') e = this.uchar();
        else {
          e = n === undefined ? undefined : ECHAR[n];
          if (e === undefined) this.fail(`invalid escape "\\${echo(n ?? '', 1)}" in a literal`, 'allowed escapes: \\t \\b \\n \\r \\f \\" \\\' \\\\ \\uXXXX \\UXXXXXXXX');
          this.i += 2;
        }
        if (isControl(e.charCodeAt(0))) this.fail(`the escape decodes to the control character ${codePoint(e)}`, 'labels may hold \\t, \\n and \\r but no other control characters', at);
        value += e;
        continue;
      }
      value += c;
      this.i++;
    }
    this.i++; // "
    if (overLimit(value, MAX_FIELD_BYTES)) this.fail(`the literal is ${utf8Bytes(value)} bytes long; the limit is ${sizeText(MAX_FIELD_BYTES)}`, 'shorten it', start);
    if (this.s[this.i] === '@') {
      this.i++;
      const m = /^[a-zA-Z]+(?:-[a-zA-Z0-9]+)*/.exec(this.s.slice(this.i));
      if (m === null) this.fail('invalid language tag after "@"', 'write e.g. "Paris"@en');
      this.i += m[0].length;
      return { kind: 'literal', value, lang: m[0].toLowerCase() };
    }
    if (this.s[this.i] === '^') {
      if (this.s[this.i + 1] !== '^' || this.s[this.i + 2] !== '<') this.fail('expected "^^<datatype IRI>" after the literal');
      this.i += 2;
      return { kind: 'literal', value, datatype: this.iri() };
    }
    return { kind: 'literal', value };
  }

  private uchar(): string {
    const long = this.s[this.i + 1] === 'U';
    const len = long ? 8 : 4;
    const hex = this.s.slice(this.i + 2, this.i + 2 + len);
    if (hex.length !== len || !/^[0-9A-Fa-f]+$/.test(hex)) {
      this.fail(`invalid \\${long ? 'U' : 'u'} escape: expected ${len} hex digits`);
    }
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) this.fail(`escape \\U${hex} is beyond the last Unicode code point`);
    if (cp >= 0xd800 && cp <= 0xdfff) this.fail(`escape \\${long ? 'U' : 'u'}${hex} is a surrogate, not a character`, 'write characters beyond U+FFFF as one \\UXXXXXXXX escape');
    this.i += 2 + len;
    return String.fromCodePoint(cp);
  }

  private ws(required = false, where = ''): void {
    const start = this.i;
    while (this.i < this.s.length && (this.s[this.i] === ' ' || this.s[this.i] === '\t')) this.i++;
    if (required && this.i === start && this.i < this.s.length) {
      this.fail(`expected whitespace ${where} but found ${this.found()}`);
    } else if (required && this.i >= this.s.length) {
      this.fail(`the statement ends early (${where.replace('after', 'nothing after')})`, 'a statement is subject, predicate, object and "." on one line');
    }
  }

  private found(): string {
    if (this.i >= this.s.length) return 'the line end';
    const c = String.fromCodePoint(this.s.codePointAt(this.i)!);
    return echo(c) !== c ? codePoint(c) : `"${c}"`;
  }

  private fail(message: string, hint?: string, at = this.i): never {
    throw new KnowrecError('parse', message, { file: this.file, line: this.line, column: at + 1 }, hint);
  }
}

export interface NTriplesKg {
  /** Entity-to-entity statements (object is an IRI or a blank node). */
  readonly triples: RawTriples;
  /** rdfs:label of each subject (English or untagged preferred, else the first). */
  readonly names: ReadonlyMap<string, string>;
  /** Line numbers of statements with a literal object other than rdfs:label. */
  readonly skippedLiteralLines: readonly number[];
}

/** Splits statements into KG triples, entity names (rdfs:label) and skipped literal facts. */
export function ntriplesToKg(statements: readonly NtTriple[], file: string): NTriplesKg {
  const head: string[] = [];
  const relation: string[] = [];
  const tail: string[] = [];
  const lines: number[] = [];
  const names = new Map<string, string>();
  const preferred = new Set<string>();
  const skipped: number[] = [];
  for (const t of statements) {
    const s = t.subject.value;
    if (t.object.kind === 'literal') {
      if (t.predicate !== RDFS_LABEL) {
        skipped.push(t.line);
        continue;
      }
      const good = t.object.lang === undefined || t.object.lang === 'en' || t.object.lang.startsWith('en-');
      if (!names.has(s) || (good && !preferred.has(s))) {
        names.set(s, t.object.value);
        if (good) preferred.add(s);
      }
      continue;
    }
    head.push(s);
    relation.push(t.predicate);
    tail.push(t.object.value);
    lines.push(t.line);
  }
  return { triples: { file, head, relation, tail, lines: Int32Array.from(lines) }, names, skippedLiteralLines: skipped };
}
