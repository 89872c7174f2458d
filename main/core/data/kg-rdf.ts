/**
 * RDF KG files into a KgSink.
 * - Turtle (and N3-free Turtle-like files) are parsed by the `n3` package, streamed from disk.
 *   Its errors ("Unexpected … on line N.") are turned into `file, line N, column M: … (fix)`:
 *   the column is found from the offending token (or the text n3 quotes) in that line.
 * - N-Triples keep the hand-written line parser (ntriples.ts): n3 reports no column and no fix,
 *   puts errors at the end of a file on the line after it, and accepts escapes that decode to
 *   control characters, which the strict reader refuses with the exact column.
 * Object literals: name predicates (rdfs:label, foaf:name, skos:prefLabel, schema:name) name the
 * subject; other literal facts are skipped and counted in the report (the KG holds
 * entity-to-entity facts only). Predicate IRIs are written with the file's own prefixes when one
 * matches (`dbo:director`), else in full.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Parser, type Quad } from 'n3';
import { KnowrecError, cancelled } from '../errors';
import type { Progress } from '../types';
import type { KgSink } from './kg-sink';
import { readNTriplesFile } from './ntriples';
import { readTextFile } from './text-file';

export interface RdfReadOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** File size in bytes, for progress. */
  readonly bytes?: number;
}

/** Reads an N-Triples file into `sink`; returns the number of statements. */
export function readNTriplesInto(path: string, sink: KgSink): number {
  const statements = readNTriplesFile(path);
  for (const t of statements) {
    if (t.object.kind === 'literal') sink.literal(t.subject.value, t.predicate, t.object.value, t.object.lang, path, t.line);
    else sink.triple(t.subject.value, t.predicate, t.object.value, t.line);
  }
  return statements.length;
}

interface LexerState {
  _lexer?: { _line?: number };
}

/** Predicate IRIs written with the file's prefixes (longest namespace first). */
class Compactor {
  private readonly prefixes: [string, string][] = [];
  private readonly cache = new Map<string, string>();

  add(prefix: string, ns: string): void {
    this.prefixes.push([prefix, ns]);
    this.prefixes.sort((a, b) => b[1].length - a[1].length);
    this.cache.clear();
  }

  name(iri: string): string {
    let c = this.cache.get(iri);
    if (c === undefined) {
      const p = this.prefixes.find(([, ns]) => ns.length > 0 && iri.startsWith(ns) && iri.length > ns.length);
      c = p === undefined ? iri : `${p[0]}:${iri.slice(p[1].length)}`;
      this.cache.set(iri, c);
    }
    return c;
  }
}

/** The parser's line (best effort: n3's lexer line when the statement ends; 0 when n3 does not expose it). */
function lexerLine(parser: Parser): number {
  return (parser as unknown as LexerState)._lexer?._line ?? 0;
}

function turtleParser(path: string): Parser {
  return new Parser({ format: 'text/turtle', baseIRI: pathToFileURL(path).href });
}

/** Reads a Turtle file into `sink` in one piece (synchronous; the file is read whole; no statement lines). */
export function readTurtleTextInto(path: string, sink: KgSink): number {
  const text = readTextFile(path);
  const names = new Compactor();
  let quads: Quad[];
  try {
    quads = turtleParser(path).parse(text, null, (prefix: string, ns: { value: string }) => names.add(prefix, ns.value));
  } catch (e) {
    throw turtleError(e as Error, path);
  }
  for (const q of quads) addQuad(sink, q, (iri) => names.name(iri), path, 0);
  return quads.length;
}

/** Reads a Turtle file into `sink` (streamed); returns the number of statements. */
export function readTurtleInto(path: string, sink: KgSink, opts: RdfReadOptions = {}): Promise<number> {
  const parser = turtleParser(path);
  const names = new Compactor();
  const stream = createReadStream(path, { encoding: 'utf8' });
  let n = 0;
  let read = 0;
  stream.on('data', (chunk) => {
    read += Buffer.byteLength(chunk as string);
    if (opts.bytes !== undefined && opts.bytes > 0) opts.onProgress?.({ stage: 'read', fraction: Math.min(1, read / opts.bytes), message: path });
  });
  return new Promise<number>((resolve, reject) => {
    let done = false;
    const finish = (e: unknown): void => {
      if (done) return;
      done = true;
      stream.destroy();
      opts.signal?.removeEventListener('abort', onAbort);
      if (e === null) resolve(n);
      else reject(e);
    };
    const onAbort = (): void => finish(cancelled());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted === true) return finish(cancelled());
    stream.on('error', (e) => finish(new KnowrecError('not-found', `cannot read the file: ${e.message}`, { file: path }, 'check the path and the file name')));
    parser.parse(
      stream,
      (error: Error | null, quad: Quad | null) => {
        if (done) return;
        if (error !== null) return finish(turtleError(error, path));
        if (quad === null) return finish(null);
        n++;
        addQuad(sink, quad, (iri) => names.name(iri), path, lexerLine(parser));
      },
      (prefix: string, ns: { value: string }) => names.add(prefix, ns.value),
    );
  });
}

function addQuad(sink: KgSink, q: Quad, predicateName: (iri: string) => string, file: string, line: number): void {
  const s = q.subject.termType === 'BlankNode' ? `_:${q.subject.value}` : q.subject.value;
  const o = q.object;
  if (o.termType === 'Literal') {
    sink.literal(s, q.predicate.value, o.value, o.language, file, line);
    return;
  }
  sink.triple(s, predicateName(q.predicate.value), o.termType === 'BlankNode' ? `_:${o.value}` : o.value, line);
}

interface N3Token {
  readonly type?: string;
  readonly line?: number;
  readonly start?: number;
}

interface N3ErrorContext {
  readonly line?: number;
  readonly token?: N3Token;
  readonly previousToken?: N3Token;
}

const HINTS: [RegExp, string][] = [
  [/Undefined prefix/, 'declare the prefix first, e.g. @prefix dbo: <http://dbpedia.org/ontology/> .'],
  [/Invalid IRI/, 'write absolute IRIs such as <http://example.org/x>, or declare @base'],
  [/Expected punctuation|Expected entity but got eof|ends inside/, 'end each statement with " ."; separate objects with "," and predicates with ";"'],
  [/Unexpected "</, 'IRIs go in <...> with no spaces (a space is %20)'],
  [/Unexpected ""|Unexpected "'/, 'close the literal with the same quote on the same line, or use """ for text over several lines; escape " as \\"'],
  [/Unexpected literal|Unexpected blank|Disallowed/, 'subjects are IRIs or blank nodes, predicates are IRIs'],
];

/** n3's error as `file, line N, column M: … (fix)`. */
export function turtleError(e: Error, file: string): KnowrecError {
  const ctx = (e as Error & { context?: N3ErrorContext }).context ?? {};
  const message = e.message.replace(/ on line \d+\.$/, '').replace(/\.$/, '');
  let lines: string[] = [];
  try {
    lines = readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    // the location stays as n3 gave it
  }
  let line = ctx.line ?? 1;
  let column: number | undefined;
  let text = message;
  if (ctx.token?.type === 'eof') {
    let last = Math.min(lines.length, line);
    while (last > 1 && (lines[last - 1] ?? '').trim().length === 0) last--;
    line = last;
    column = (lines[last - 1] ?? '').replace(/\s+$/, '').length + 1;
    text = `the file ends inside a statement (${message})`;
  } else if (ctx.token?.start !== undefined && ctx.token.line === line) {
    column = ctx.token.start + 1;
  } else {
    const lineText = lines[line - 1] ?? '';
    const quoted = /^Unexpected "([\s\S]*)"$/.exec(message)?.[1];
    const from = ctx.previousToken?.line === line ? (ctx.previousToken.start ?? 0) : 0;
    const at = quoted !== undefined ? lineText.indexOf(quoted, from) : -1;
    column = at >= 0 ? at + 1 : lineText.length - lineText.trimStart().length + 1;
  }
  const hint = HINTS.find(([re]) => re.test(text))?.[1] ?? 'check the Turtle syntax near this position';
  return new KnowrecError('parse', text, { file, line, column }, hint);
}
